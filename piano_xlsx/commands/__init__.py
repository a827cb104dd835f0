"""The commands of the command line, one module each; cli.py assembles them.

Click's own texts are made Italian here, before any command is declared: some of them (the name of a
parameter type, the help of the version option) are computed when a command is declared.
"""

from piano_xlsx.commands.click_italian import install

install()
