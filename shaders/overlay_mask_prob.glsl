// Mask path for binary models: the foreground probability sampled bilinearly (the texture
// unit upsamples it to screen resolution) and thresholded per screen pixel, so the boundary is
// the threshold's level line through the interpolated map: smooth when a 128² mask fills a
// 1024×768 window, instead of 8-pixel blocks. Appended after overlay_common.glsl and an
// overlay_image_*.glsl.
uniform float u_threshold;    // the probability the pipeline labelled foreground at (≥)
uniform vec2 u_pixel;         // one screen pixel in uv units (1 / viewport size)

uint classAtUv(vec2 uv)
{
    return texture(u_prob, uv).r >= u_threshold ? 1u : 0u;
}

// On the boundary when a screen-pixel 4-neighbour falls on the other side of the threshold: a
// line about one screen pixel wide wherever the mask is drawn, however small the mask is.
bool onEdge(vec2 uv, uint c)
{
    return classAtUv(uv + vec2(u_pixel.x, 0.0)) != c || classAtUv(uv - vec2(u_pixel.x, 0.0)) != c
        || classAtUv(uv + vec2(0.0, u_pixel.y)) != c || classAtUv(uv - vec2(0.0, u_pixel.y)) != c;
}
