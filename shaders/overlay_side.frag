// Side by side: the viewport is two images wide; the left half shows the image, the right the
// filled overlay.
// Appended to overlay_common.glsl, an overlay_image_*.glsl and an overlay_mask_*.glsl.
void main()
{
    bool right = v_uv.x >= 0.5;
    vec2 uv = vec2(right ? v_uv.x * 2.0 - 1.0 : v_uv.x * 2.0, v_uv.y);
    o_color = vec4(right ? filled(uv) : imageColor(uv), 1.0);
}
