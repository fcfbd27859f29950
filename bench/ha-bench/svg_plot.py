"""A tiny SVG writer for ha-bench's timeline plot (no gnuplot): the share of
affected MNs served over time, one step line per run, with vertical markers
for the fault, the victim's last Hello and the takeover start (detection).
Pure: returns the SVG text; escapes every label."""
from xml.sax.saxutils import escape

COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


def nice_ticks(lo, hi, n=6):
    """About n round tick values covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    while mag > raw and mag > 1e-9:
        mag /= 10
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    t = (lo // step) * step
    out = []
    while t <= hi + 1e-9:
        if t >= lo - 1e-9:
            out.append(round(t, 6))
        t += step
    return out


def plot(title, series, markers, x_label="ms since the fault", width=800, height=420):
    """series: [(label, [(x_ms, share 0..1), ...])], step lines (each point
    holds until the next). markers: [(label, x_ms, color)] vertical lines."""
    ml, mr, mt, mb = 60, 20, 40, 70
    pw, ph = width - ml - mr, height - mt - mb
    xs = [x for _, pts in series for x, _ in pts if x > -1e8] + [m[1] for m in markers if m[1] is not None]
    lo, hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    lo = min(lo, -0.1 * hi)  # show the served plateau before the fault
    pad = (hi - lo) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    X = lambda x: ml + (max(lo, min(hi, x)) - lo) / (hi - lo) * pw  # noqa: E731
    Y = lambda y: mt + (1 - y) * ph  # noqa: E731
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
         f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
         f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="14">{escape(title)}</text>',
         f'<rect x="{ml}" y="{mt}" width="{pw}" height="{ph}" fill="none" stroke="black"/>']
    for t in nice_ticks(lo, hi):
        o.append(f'<line x1="{X(t):.1f}" y1="{mt + ph}" x2="{X(t):.1f}" y2="{mt + ph + 5}" stroke="black"/>')
        o.append(f'<text x="{X(t):.1f}" y="{mt + ph + 18}" text-anchor="middle">{t:g}</text>')
    for y in (0, 0.25, 0.5, 0.75, 1.0):
        o.append(f'<line x1="{ml}" y1="{Y(y):.1f}" x2="{ml + pw}" y2="{Y(y):.1f}" stroke="#ddd"/>')
        o.append(f'<text x="{ml - 6}" y="{Y(y) + 4:.1f}" text-anchor="end">{int(y * 100)}%</text>')
    o.append(f'<text x="{ml + pw / 2}" y="{height - 35}" text-anchor="middle">{escape(x_label)}</text>')
    o.append(f'<text x="14" y="{mt + ph / 2}" text-anchor="middle" transform="rotate(-90 14 {mt + ph / 2})">'
             'affected MNs served</text>')
    for i, (label, pts) in enumerate(series):
        c = COLORS[i % len(COLORS)]
        d, prev = [], None
        for x, y in pts:
            if prev is not None:
                d.append(f"L{X(x):.1f},{Y(prev):.1f}")
            d.append(f"{'M' if not d else 'L'}{X(x):.1f},{Y(y):.1f}")
            prev = y
        o.append(f'<path d="{" ".join(d)}" fill="none" stroke="{c}" stroke-width="1.5"><title>{escape(label)}'
                 '</title></path>')
    lx = ml
    for i, (label, _) in enumerate(series[:8]):
        c = COLORS[i % len(COLORS)]
        o.append(f'<rect x="{lx}" y="{height - 20}" width="10" height="10" fill="{c}"/>'
                 f'<text x="{lx + 14}" y="{height - 11}">{escape(label)}</text>')
        lx += 14 + 7 * len(label) + 16
    for j, (label, x, color) in enumerate(markers):
        if x is None:
            continue
        o.append(f'<line x1="{X(x):.1f}" y1="{mt}" x2="{X(x):.1f}" y2="{mt + ph}" stroke="{color}" '
                 'stroke-dasharray="5,3"/>')
        o.append(f'<text x="{X(x) + 3:.1f}" y="{mt + 14 + 14 * j}" fill="{color}">{escape(label)}</text>')
    o.append("</svg>")
    return "\n".join(o) + "\n"
