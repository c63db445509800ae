#!/usr/bin/env python3
"""Prints 'passed failed total' summed over the TRX files under a folder (the real test results)."""
import glob, sys
import xml.etree.ElementTree as ET

ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = total = 0
for path in glob.glob(f"{sys.argv[1] if len(sys.argv) > 1 else 'TestResults'}/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        continue
    c = {k: int(v) for k, v in counters.attrib.items() if v.isdigit()}
    passed += c.get("passed", 0)
    failed += c.get("failed", 0) + c.get("error", 0) + c.get("timeout", 0) + c.get("aborted", 0)
    total += c.get("total", 0)
print(passed, failed, total)
