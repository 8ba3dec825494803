"""FAQ: answers common questions about the robeing from a knowledge file per language."""
