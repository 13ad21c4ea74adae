// Contour: a mask texel is on the boundary when a 4-neighbour has another class. Drawn opaque
// (cover 1 in the palette): a one-texel line at partial opacity is hard to see.
// Appended to overlay_common.glsl and an overlay_image_*.glsl.
void main()
{
    ivec2 p = maskTexel(v_uv);
    uint c = classAt(p);
    bool edge = classAt(p + ivec2(1, 0)) != c || classAt(p - ivec2(1, 0)) != c
             || classAt(p + ivec2(0, 1)) != c || classAt(p - ivec2(0, 1)) != c;
    vec3 image = imageColor(v_uv);
    o_color = vec4(edge ? over(image, paletteFor(c)) : image, 1.0);
}
