from pipecd_cp.cli import main

main()
