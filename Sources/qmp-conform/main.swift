print("qmp-conform")
