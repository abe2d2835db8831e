from xspec.cli import run

run()
