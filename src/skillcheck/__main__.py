from skillcheck.cli import main

main()
