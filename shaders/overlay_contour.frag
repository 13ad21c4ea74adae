// Contour: pixels on a class boundary (onEdge, from the mask path) in the class colour. Drawn
// opaque (cover 1 in the palette): a one-texel line at partial opacity is hard to see.
// Appended to overlay_common.glsl, an overlay_image_*.glsl and an overlay_mask_*.glsl.
void main()
{
    uint c = classAtUv(v_uv);
    vec3 image = imageColor(v_uv);
    o_color = vec4(onEdge(v_uv, c) ? over(image, paletteFor(c)) : image, 1.0);
}
