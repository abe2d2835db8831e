"""Stage 2: files and imports. Loads a spec with everything it imports."""
