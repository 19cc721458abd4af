from armstimeline.cli import cli

cli(prog_name="armstimeline")
