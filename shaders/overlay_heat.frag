// Heat map of the foreground probability; opacity grows with the probability so confident
// background stays readable.
// Appended to overlay_common.glsl, an overlay_image_*.glsl and an overlay_mask_*.glsl.
void main()
{
    float p = u_hasProb ? clamp(texture(u_prob, v_uv).r, 0.0, 1.0)
                        : (classAtUv(v_uv) != 0u ? 1.0 : 0.0);
    o_color = vec4(mix(imageColor(v_uv), heat(p), u_opacity * p), 1.0);
}
