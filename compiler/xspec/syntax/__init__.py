"""Stage 1: text to AST. The only package that imports lark."""
