"""Stage 3: type checking. Turns resolved ASTs into the checked model."""
