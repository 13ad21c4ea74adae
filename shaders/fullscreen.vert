#version 450 core
// A quad covering the viewport, made from the vertex id so no vertex buffer is needed
// (draw 4 vertices as a triangle strip with an empty VAO bound).
out vec2 v_uv;

void main()
{
    vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
    gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
    // Image rows are stored top row first, and texture row 0 is the first row uploaded, so v
    // runs downwards: the top of the viewport shows the image's top row.
    v_uv = vec2(corner.x, 1.0 - corner.y);
}
