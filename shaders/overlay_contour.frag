// Contour: a mask texel is on the boundary when a 4-neighbour has another class. Drawn opaque
// (palette alpha 1): a one-texel line at partial opacity is hard to see. Appended to overlay_common.glsl.
void main()
{
    ivec2 p = maskTexel(v_uv);
    uint c = classAt(p);
    bool edge = classAt(p + ivec2(1, 0)) != c || classAt(p - ivec2(1, 0)) != c
             || classAt(p + ivec2(0, 1)) != c || classAt(p - ivec2(0, 1)) != c;
    vec4 k = paletteFor(c);
    o_color = vec4(mix(imageColor(v_uv), k.rgb, edge ? k.a : 0.0), 1.0);
}
