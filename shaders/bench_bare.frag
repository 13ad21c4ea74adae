#version 450 core
// The yardstick of the overlay benchmark (RenderBenchmark.RunBare): one texture sampled and
// written, nothing else, i.e. what any textured full-frame draw costs on this GL. The overlay's
// frames/s are reported next to it, as the engine's GFLOP/s are next to the matmul rate.
in vec2 v_uv;
out vec4 o_color;

uniform sampler2D u_image;

void main()
{
    o_color = vec4(texture(u_image, v_uv).rgb, 1.0);
}
