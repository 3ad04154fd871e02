"""Folds a shell script to a width for display, keeping it a valid script: a comment wraps
into more comment lines; a command breaks at a space outside quotes (or inside a "$(...)"),
the line ending with a backslash and the next indented four more. A line that cannot be
broken so stays as it is. Reads stdin, writes stdout; the width is the first argument."""

import sys


def breaks(line):
    """Positions of the spaces a command can break at."""
    single = double = False
    depth = 0
    out = []
    prev = ""
    for i, c in enumerate(line):
        if single:
            single = c != "'"
        elif c == "'" and (not double or depth > 0):
            single = True
        elif c == '"' and prev != "\\":
            double = not double if depth == 0 else double
        elif c == "(" and prev == "$":
            depth += 1
        elif c == ")" and depth > 0:
            depth -= 1
        elif c == " " and (not double or depth > 0):
            out.append(i)
        prev = c
    return out


def fold(line, width):
    if len(line) <= width:
        return [line]
    indent = line[: len(line) - len(line.lstrip(" "))]
    body = line[len(indent):]
    if body.startswith("#"):
        lines, cur = [], indent + "#"
        for word in body[1:].split():
            if len(cur) + 1 + len(word) > width and cur.strip() != "#":
                lines.append(cur)
                cur = indent + "#  "
            cur += " " + word
        return lines + [cur]
    lines, start, cur_indent = [], 0, indent
    points = [p for p in breaks(line) if p > len(indent)]
    while len(cur_indent) + len(line) - start > width:
        fits = [p for p in points if p > start and len(cur_indent) + p - start + 2 <= width]
        if not fits:
            break
        cut = fits[-1]
        lines.append(cur_indent + line[start:cut].lstrip(" ") + " \\")
        start = cut + 1
        cur_indent = indent + "    "
    lines.append(cur_indent + line[start:].lstrip(" "))
    return lines


width = int(sys.argv[1])
for raw in sys.stdin:
    for out in fold(raw.rstrip("\n"), width):
        print(out)
