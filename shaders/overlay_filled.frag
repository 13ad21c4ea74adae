// Filled: each visible class in its colour at the chosen opacity.
// Appended to overlay_common.glsl, an overlay_image_*.glsl and an overlay_mask_*.glsl.
void main()
{
    o_color = vec4(filled(v_uv), 1.0);
}
