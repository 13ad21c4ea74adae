#version 450 core
// The HUD text, rasterised on the CPU (OpenCV) into an RGBA texture; alpha-blended by the caller.
in vec2 v_uv;
out vec4 o_color;
uniform sampler2D u_hud;

void main()
{
    o_color = texture(u_hud, v_uv);
}
