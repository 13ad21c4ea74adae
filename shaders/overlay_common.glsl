#version 450 core
// Shared part of the overlay fragment shaders: loaded first, then one overlay_image_*.glsl
// (how texels become display values), one overlay_mask_*.glsl (where the class edges lie) and
// one overlay_<mode>.frag with main(). One program per mode, image path and mask path because
// llvmpipe (software GL) runs both sides of a branch, so a single shader switching on uniforms
// would pay for every mode and window on every pixel. A new per-pixel input (a sector mask, say)
// is one more uniform here and one more call in the mode files, not another program dimension.
// Keep tests/MedSeg.Rendering.Tests/ReferenceBlend.cs in step with these files.
in vec2 v_uv;
out vec4 o_color;

uniform sampler2D u_image;    // grey (swizzled to RRR1 by the renderer) or RGB; normalised integer or float texels
// The image's display colour in [0, 1] at uv: defined by overlay_image_window.glsl (window/level
// applied) or overlay_image_full.glsl (the texel as it is: the window is the format's full range).
vec3 imageColor(vec2 uv);
// Class id / 255 per texel (R8, nearest filtering); may be smaller than the image. A normalised
// texture rather than R8UI: llvmpipe samples it on its fast path with the texture unit doing
// the nearest-texel arithmetic, about a tenth of the frame cheaper at 512×512.
uniform sampler2D u_mask;
uniform sampler2D u_prob;     // foreground probability (R16F, bilinear filtering), same size as the mask
// The class drawn at uv and whether uv lies on a class boundary (contours): defined by
// overlay_mask_labels.glsl (nearest class-id texel: multi-class) or overlay_mask_prob.glsl
// (the probability upsampled bilinearly and thresholded here: smooth edges when a small mask is
// drawn large; binary models).
uint classAtUv(vec2 uv);
bool onEdge(vec2 uv, uint c);

uniform float u_opacity;      // heat map
uniform bool u_hasProb;       // false: the heat map falls back to "labelled = 1"
// Per class id 0–255 (256×1 RGBA8, fetched by integer id), premultiplied: rgb = colour × cover,
// a = 1 − cover, where cover is how much of the class colour covers the image (0 for hidden
// classes, background and unused ids; the opacity for filled; 1 for contours). Made on the CPU
// when the settings change, so the shader needs no visibility or range test, and blends with
// one multiply-add. A texture rather than a uniform array: llvmpipe fetches a texel with one
// vector gather but reads a uniform array indexed per pixel one lane and one component at a
// time (32 scalar loads per 8 pixels), which cost about a tenth of the frame at 512×512.
uniform sampler2D u_palette;

uint classId(float texel)
{
    return uint(texel * 255.0 + 0.5);
}

vec4 paletteFor(uint c)
{
    return texelFetch(u_palette, ivec2(int(c), 0), 0);
}

// The image under class colour k (premultiplied, see u_palette).
vec3 over(vec3 image, vec4 k)
{
    return k.rgb + image * k.a;
}

vec3 filled(vec2 uv)
{
    return over(imageColor(uv), paletteFor(classAtUv(uv)));
}

// Jet-like ramp: blue (0) → cyan → green → yellow → red (1).
vec3 heat(float p)
{
    return clamp(vec3(1.5 - abs(4.0 * p - 3.0), 1.5 - abs(4.0 * p - 2.0), 1.5 - abs(4.0 * p - 1.0)), 0.0, 1.0);
}
