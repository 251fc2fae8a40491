Attribute VB_Name = "XlreeRibbon"
' Ribbon callbacks of the xlree add-in (customUI14.xml names them in onAction).
' Each one hands over to Python: the work, and the message box that says what
' to do when something goes wrong, live in xlree.macros.
Option Explicit

Public Sub RefreshAll(control As IRibbonControl)
    RunPython "import xlree.macros; xlree.macros.refresh_all()"
End Sub

Public Sub RefreshCms(control As IRibbonControl)
    RunPython "import xlree.macros; xlree.macros.refresh_cms()"
End Sub

Public Sub RefreshEntropy(control As IRibbonControl)
    RunPython "import xlree.macros; xlree.macros.refresh_entropy()"
End Sub

Public Sub RefreshRca(control As IRibbonControl)
    RunPython "import xlree.macros; xlree.macros.refresh_rca()"
End Sub

Public Sub NewRareEarthWorkbook(control As IRibbonControl)
    RunPython "import xlree.macros; xlree.macros.new_workbook('rare-earths')"
End Sub

Public Sub NewEmptyWorkbook(control As IRibbonControl)
    RunPython "import xlree.macros; xlree.macros.new_workbook('empty')"
End Sub

Public Sub LoadBundledData(control As IRibbonControl)
    RunPython "import xlree.macros; xlree.macros.load_bundled_data()"
End Sub

Public Sub ImportData(control As IRibbonControl)
    RunPython "import xlree.macros; xlree.macros.import_data()"
End Sub

Public Sub ShowHelp(control As IRibbonControl)
    RunPython "import xlree.macros; xlree.macros.show_help()"
End Sub
