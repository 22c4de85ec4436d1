#!/usr/bin/env python3
"""Banded Levenshtein distance with rapidfuzz: score_hint (an expected distance; rapidfuzz
starts with a band of that width and widens it when needed). Usage: rfb.py GT OCR HINT"""
import sys
from rapidfuzz.distance import Levenshtein
a = open(sys.argv[1], encoding="utf-8", newline="").read()
b = open(sys.argv[2], encoding="utf-8", newline="").read()
print(Levenshtein.distance(a, b, score_hint=int(sys.argv[3])))
