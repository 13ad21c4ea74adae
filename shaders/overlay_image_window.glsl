// Image path with window/level: for 16-bit signed, float, and any image drawn through a window
// other than its format's full range. Appended to overlay_common.glsl.
//
// Window/level folded into one multiply-add on the texel value: raw = texel × scale (255, 65535,
// 32767 or 1) and display = (raw − low) / (high − low), so gain = scale / (high − low) and
// offset = −low / (high − low), worked out once per draw on the CPU instead of per pixel.
uniform vec2 u_level;         // (gain, offset)

vec3 imageColor(vec2 uv)
{
    return clamp(texture(u_image, uv).rgb * u_level.x + u_level.y, 0.0, 1.0);
}
