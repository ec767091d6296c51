"""`thesis import`: a research write-up in the house layout becomes a draft thesis.

Three steps, forward only: `layout` reads the write-up's lines into sections (header, bull and
bear one-liners, "Why Invest?" and "Key Risks" paragraphs, catalysts by horizon), `figures`
reads the numbers out of each text as data, and `draft` pairs, links and validates them into a
`Thesis` and writes it as YAML. Nothing is invented: what cannot be placed becomes a note with
its line number, and every figure is marked `review: true` until an analyst confirms it.
"""
