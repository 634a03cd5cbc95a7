#!/usr/bin/env python3
"""Constrained average linkage (UPGMA; cannot-link: two faces of one photo) over the descriptors that
`sightline faces <set> --descriptor <d> --json --descriptors` wrote to <dir>/lfw-<d>.json and <dir>/bbt-<d>.json,
cut at a sweep of thresholds; BCubed F1 over the labelled faces (faces-lfw: the largest face of each photo;
faces-bbt: the 40 crops; faces whose `identifiable` is false stay alone, as the library keeps them out of clustering), and how many of the faces-lfw people seen once are left alone.

    python3 descriptor_sweep.py <dir> <descriptor> unit|euclid [data folder, default ../shared/data]

`unit` divides each descriptor by its length first (Euclidean distance then follows cosine distance).
Prints the best cut of each set and the F1 at the other set's best cut; writes <dir>/sweep-<d>-<space>.json.
Pure Python (no numpy): O(n^3) in the faces of a set, fine for a few hundred."""
import json, csv, math, sys, os, statistics

DATA = sys.argv[4] if len(sys.argv) > 4 else os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared', 'data')
DIR = sys.argv[1] if len(sys.argv) > 1 else '.'

def load(set_name, desc):
    j = json.load(open(os.path.join(DIR, f'{set_name}-{desc}.json')))
    faces = []  # (key, photo, vector, label)
    if set_name == 'lfw':
        labels = {os.path.realpath(os.path.join(DATA, 'faces-lfw', r['file'])): r['identity'] for r in csv.DictReader(open(f'{DATA}/faces-lfw/labels.csv'))}
    else:
        labels = {os.path.realpath(os.path.join(DATA, 'faces-bbt', r['file'])): r['identity'] for r in csv.DictReader(open(f'{DATA}/faces-bbt/identities.csv'))}
    nlab_photos = 0
    for r in j['results']:
        src = os.path.realpath(r['source'])
        fs = [f for f in r.get('faces', []) if f.get('descriptor')]
        if not fs:
            continue
        largest = max(range(len(fs)), key=lambda i: fs[i]['box']['width'] * fs[i]['box']['height'])
        lab = labels.get(src)
        if lab is not None: nlab_photos += 1
        for i, f in enumerate(fs):
            d = f['descriptor']
            v = d['values'] if isinstance(d, dict) else d
            # A face too poor to identify is kept out of clustering (as the library does): it stays alone, and
            # when it is the labelled one it still counts, as a cluster of its own.
            faces.append((f'{os.path.basename(src)}#{i}', src, v, lab if i == largest else None, f.get('identifiable', True)))
    # Stable keys (file name + face index) order the faces, so ties fall the same way every run.
    faces.sort(key=lambda f: f[0])
    return faces, labels, nlab_photos

def unit(v):
    n = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / n for x in v]

def dist(a, b):
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)))

def linkage(faces, space, maxcut):
    """Merge history [(height, i, j)] of constrained UPGMA, stopping at maxcut."""
    vs = [unit(f[2]) if space == 'unit' else f[2] for f in faces]
    n = len(vs)
    D = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for k in range(i + 1, n):
            D[i][k] = D[k][i] = dist(vs[i], vs[k])
    photo = [f[1] for f in faces]
    poor = [not f[4] for f in faces]
    cl = [[(photo[i] == photo[k] or poor[i] or poor[k]) and i != k for k in range(n)] for i in range(n)]
    size = [1] * n
    active = set(range(n))
    members = {i: [i] for i in range(n)}
    history = []
    while True:
        best = None
        for i in active:
            Di, cli = D[i], cl[i]
            for k in active:
                if k <= i or cli[k]: continue
                d = Di[k]
                if best is None or d < best[0]:  # ties: smaller index pair (faces sorted by stable key)
                    best = (d, i, k)
        if best is None or best[0] >= maxcut: break
        d, i, k = best
        history.append((d, i, k))
        for m in active:
            if m in (i, k): continue
            D[i][m] = D[m][i] = (size[i] * D[i][m] + size[k] * D[k][m]) / (size[i] + size[k])
            cl[i][m] = cl[m][i] = cl[i][m] or cl[k][m]
        size[i] += size[k]
        active.discard(k)
    return history

def clusters_at(n, history, cut):
    parent = list(range(n))
    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]; x = parent[x]
        return x
    for d, i, k in history:
        if d >= cut: break
        parent[find(k)] = find(i)
    return [find(x) for x in range(n)]

def score(faces, assign):
    lab = [(i, f[3]) for i, f in enumerate(faces) if f[3] is not None]
    total = {}
    for _, l in lab: total[l] = total.get(l, 0) + 1
    P = R = 0.0
    for i, l in lab:
        same_c = [m for m, lm in lab if assign[m] == assign[i]]
        correct = sum(1 for m in same_c if faces[m][3] == l)
        P += correct / len(same_c)
        R += correct / total[l]
    P /= len(lab); R /= len(lab)
    f1 = 2 * P * R / (P + R)
    # strangers: labels seen once; alone = no other labelled face in the cluster / no other face at all
    once = [i for i, l in lab if total[l] == 1]
    alone_lab = sum(1 for i in once if all(assign[m] != assign[i] for m, _ in lab if m != i))
    alone_any = sum(1 for i in once if all(assign[m] != assign[i] for m in range(len(faces)) if m != i))
    return f1, P, R, alone_lab, alone_any, len(once)

if __name__ == '__main__':
    if len(sys.argv) < 4 or sys.argv[3] not in ('unit', 'euclid'):
        sys.exit('usage: descriptor_sweep.py <dir> <descriptor> unit|euclid [data folder]')
    if not os.path.isdir(DATA):
        sys.exit(f'data folder {DATA} not found: give the folder holding faces-lfw and faces-bbt')
    desc, space = sys.argv[2], sys.argv[3]
    out = {}
    for s in ('lfw', 'bbt'):
        faces, labels, nlab = load(s, desc)
        hist = linkage(faces, space, float('inf'))
        cuts = sorted(set(round(h, 3) for h, _, _ in hist))
        top = hist[-1][0] if hist else 2.0
        step = 0.01 if top <= 4 else float(f'{top / 400:.1g}')
        sweep = [round(step * c, 4) for c in range(1, int(top / step) + 2)]
        rows = []
        for c in sweep:
            a = clusters_at(len(faces), hist, c)
            rows.append((c,) + score(faces, a))
        out[s] = {'faces': len(faces), 'labelled': sum(1 for f in faces if f[3]), 'labelledPhotos': len(labels), 'photosWithFace': nlab,
                  'dim': len(faces[0][2]), 'sweep': rows}
    json.dump(out, open(os.path.join(DIR, f'sweep-{desc}-{space}.json'), 'w'))
    for s in ('lfw', 'bbt'):
        o = out[s]
        best = max(o['sweep'], key=lambda r: (r[1], -r[0]))
        other = out['bbt' if s == 'lfw' else 'lfw']
        ob = max(other['sweep'], key=lambda r: (r[1], -r[0]))
        at = min(o['sweep'], key=lambda r: abs(r[0] - ob[0]))
        print(f"  {s} at the other set's cut {ob[0]}: F1 {at[1]:.3f} strangers {at[4]}/{at[6]}")
        print(f"{desc} {space} {s}: faces {o['faces']} labelled {o['labelled']}/{o['labelledPhotos']} dim {o['dim']} best cut {best[0]} F1 {best[1]:.3f} (P {best[2]:.3f} R {best[3]:.3f}) strangers {best[4]}/{best[6]} ({best[5]} no face at all)")
