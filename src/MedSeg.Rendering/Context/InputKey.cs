namespace MedSeg.Rendering.Context;

/// <summary>The keys the viewer reacts to; a window maps its key codes onto these.</summary>
public enum InputKey
{
    Space,
    O,
    Plus,
    Minus,
    D1, D2, D3, D4, D5, D6, D7, D8, D9,
    R,
    S,
    Escape,
}
