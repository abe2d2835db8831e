# The development shell for xspec itself: `nix develop`, then `pytest`.
# nixpkgs is pinned to a commit so that every contributor gets the same tools.
{
  description = "xspec: typed, linted, locked experiment specs";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/57d6973abba7ea108bac64ae7629e7431e0199b6";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forEachSystem = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      devShells = forEachSystem (pkgs:
        let
          python = pkgs.python311.withPackages (ps: [
            ps.click
            ps.jsonschema
            ps.lark
            ps.pyyaml
            ps.tomli-w
            ps.pygls
            ps.hypothesis
            ps.pytest
            ps.syrupy
          ]);
        in
        {
          default = pkgs.mkShell {
            packages = [ python pkgs.uv pkgs.shellcheck pkgs.hadolint pkgs.nodejs_20 ];
            shellHook = ''
              export PYTHONPATH="$PWD/compiler''${PYTHONPATH:+:$PYTHONPATH}"
            '';
          };
        });
    };
}
