"""Every benchmark of guidebuild, side by side in one run: `python benchmarks/run_all.py`.

Build figures (bench_build.py), then assess figures (bench_assess.py); each prints its
medians with the alternative measured in the same run and the target beside them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    for script in ("bench_build.py", "bench_assess.py"):
        print(f"== {script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script), *sys.argv[1:]], check=True)
