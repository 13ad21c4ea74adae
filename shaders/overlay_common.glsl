#version 450 core
// Shared part of the overlay fragment shaders: loaded first, then one overlay_<mode>.frag with
// main(). One program per mode because llvmpipe (software GL) runs both sides of a branch, so
// a single shader switching on a mode uniform would pay for every mode on every pixel.
// Keep tests/MedSeg.Rendering.Tests/ReferenceBlend.cs in step with these files.
in vec2 v_uv;
out vec4 o_color;

uniform sampler2D u_image;    // R (grey) or RGB; normalised integer or float texels
uniform usampler2D u_mask;    // class id per texel (R8UI); may be smaller than the image
uniform sampler2D u_prob;     // foreground probability (R32F), same size as the mask

uniform int u_channels;       // 1 = grey, 3 = colour
uniform float u_scale;        // texel value × u_scale = raw pixel value (255, 65535, 32767 or 1)
uniform vec2 u_window;        // (low, high) in raw units: low → black, high → white
uniform float u_opacity;      // heat map
uniform bool u_hasProb;       // false: the heat map falls back to "labelled = 1"
// Per class id: rgb = colour, a = how much of it covers the image (0 for hidden classes and
// background; the opacity for filled; 1 for contours). Precomputed on the CPU so the shader
// needs no visibility test.
uniform vec4 u_palette[16];

vec3 imageColor(vec2 uv)
{
    vec4 t = texture(u_image, uv);
    vec3 raw = (u_channels == 1 ? t.rrr : t.rgb) * u_scale;
    return clamp((raw - u_window.x) / (u_window.y - u_window.x), 0.0, 1.0);
}

ivec2 maskTexel(vec2 uv)
{
    // Nearest texel, computed by hand: class ids must never be interpolated.
    ivec2 size = textureSize(u_mask, 0);
    return clamp(ivec2(uv * vec2(size)), ivec2(0), size - 1);
}

uint classAt(ivec2 p)
{
    // Clamping makes the image border not an edge: regions touching it stay open there.
    return texelFetch(u_mask, clamp(p, ivec2(0), textureSize(u_mask, 0) - 1), 0).r;
}

vec4 paletteFor(uint c)
{
    return c < 16u ? u_palette[c] : vec4(0.0);
}

vec3 filled(vec2 uv)
{
    vec4 k = paletteFor(texelFetch(u_mask, maskTexel(uv), 0).r);
    return mix(imageColor(uv), k.rgb, k.a);
}

// Jet-like ramp: blue (0) → cyan → green → yellow → red (1).
vec3 heat(float p)
{
    return clamp(vec3(1.5 - abs(4.0 * p - 3.0), 1.5 - abs(4.0 * p - 2.0), 1.5 - abs(4.0 * p - 1.0)), 0.0, 1.0);
}
