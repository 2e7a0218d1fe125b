#!/usr/bin/env python
from wangge.__main__ import main

if __name__ == "__main__":
    main()
