from piano_xlsx.cli import main

main()
