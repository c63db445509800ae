#!/usr/bin/env python3
"""Records new public API in PublicAPI.Unshipped.txt: builds, reads RS0016/RS0017, rewrites the files.

Usage: python3 eng/update-public-api.py [project.csproj ...]   (default: every project under src/)
Review the diff: public API is a deliberate choice, not a by-product.
"""
import glob, os, re, subprocess, sys

projects = sys.argv[1:] or sorted(glob.glob("src/*/*.csproj"))
for project in projects:
    folder = os.path.dirname(project)
    out = subprocess.run(["dotnet", "build", project, "-p:TreatWarningsAsErrors=false", "-nologo", "-clp:NoSummary"],
                         capture_output=True, text=True).stdout
    added = set(re.findall(r"RS0016: Symbol '(.+?)' is not part of the declared public API", out))
    removed = set(re.findall(r"RS0017: Symbol '(.+?)' is part of the declared API", out))
    path = os.path.join(folder, "PublicAPI.Unshipped.txt")
    lines = [l.rstrip("\n") for l in open(path)] if os.path.exists(path) else ["#nullable enable"]
    body = [l for l in lines[1:] if l and l not in removed]
    body = sorted(set(body) | added)
    open(path, "w").write("\n".join(["#nullable enable", *body]) + "\n")
    print(f"{project}: +{len(added)} -{len(removed)}")
