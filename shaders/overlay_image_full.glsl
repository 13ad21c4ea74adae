// Image path without window/level: an unsigned normalised texture (8-bit grey or colour,
// 16-bit grey) shown over its full range, the default for live ultrasound and X-ray. The
// texel is already the display value in [0, 1], so the multiply-add and clamp of
// overlay_image_window.glsl would change nothing; on llvmpipe they cost about a tenth of the
// frame. Appended to overlay_common.glsl.
vec3 imageColor(vec2 uv)
{
    return texture(u_image, uv).rgb;
}
