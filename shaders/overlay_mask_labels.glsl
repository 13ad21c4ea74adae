// Mask path for class ids (multi-class models, and frames without probabilities): the nearest
// class-id texel, so a small mask drawn large shows its texels as blocks. Appended after
// overlay_common.glsl and an overlay_image_*.glsl.

// Class id of the nearest mask texel (the mask texture filters nearest: never interpolated).
uint classAtUv(vec2 uv)
{
    return classId(texture(u_mask, uv).r);
}

ivec2 maskTexel(vec2 uv)
{
    // The texel classAtUv samples, as integer coordinates for neighbour lookups (contours).
    // uv is within [0, 1], so only the top edge (uv = 1) needs clamping.
    ivec2 size = textureSize(u_mask, 0);
    return min(ivec2(uv * vec2(size)), size - 1);
}

uint classAt(ivec2 p)
{
    // Clamping makes the image border not an edge: regions touching it stay open there.
    return classId(texelFetch(u_mask, clamp(p, ivec2(0), textureSize(u_mask, 0) - 1), 0).r);
}

// A mask texel is on the boundary when a 4-neighbour texel has another class.
bool onEdge(vec2 uv, uint c)
{
    ivec2 p = maskTexel(uv);
    return classAt(p + ivec2(1, 0)) != c || classAt(p - ivec2(1, 0)) != c
        || classAt(p + ivec2(0, 1)) != c || classAt(p - ivec2(0, 1)) != c;
}
