#version 450 core
// The HUD quad: the same vertex-id quad, placed in u_rect = (x0, y0, x1, y1) in clip space.
uniform vec4 u_rect;
out vec2 v_uv;

void main()
{
    vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
    gl_Position = vec4(mix(u_rect.xy, u_rect.zw, corner), 0.0, 1.0);
    v_uv = vec2(corner.x, 1.0 - corner.y);   // the HUD image is drawn on the CPU top row first
}
