"""Allow ``python -m guidebuild``."""

from guidebuild.cli import main

if __name__ == "__main__":
    main()
