#!/usr/bin/env bash
# Re-measures the accuracy figures the README states, each with the README's own command, on one Release build
# of the CLI (./sightline builds it once, into artifacts/cli, when the sources are newer). Each command runs with
# --json added, so the figure is read from the result rather than from a table. Prints one line per figure:
#
#   figure | README value | measured | command
#
# usage: bench/remeasure.sh [--list] [name ...]     (no name: every figure set; --list: the names and exit)
# The JSON and the log of each command stay in $REMEASURE_OUT (default artifacts/remeasure/) for the detail.
# SIGHTLINE_DATA points at the shared data when it is not ../shared/data (the commands show the README's paths).
# Takes a while: the detection sets each run 128 photos, faces-lfw 216, the instance masks 128 through U²-Net-p.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
data="${SIGHTLINE_DATA:-../shared/data}"
out="${REMEASURE_OUT:-$root/artifacts/remeasure}"

# name|command as the README gives it (../shared/data as there; OUT is this script's output folder)
sets=(
  "detect-centernet|./sightline eval detect --coco ../shared/data/coco128-train/instances.json --images ../shared/data/coco128-train/images --model centernet"
  "detect-nanodet|./sightline eval detect --coco ../shared/data/coco128-train/instances.json --images ../shared/data/coco128-train/images --model nanodet"
  "faces-bbt|./sightline eval faces --identities ../shared/data/faces-bbt/identities.csv"
  "faces-lfw|./sightline eval faces --identities ../shared/data/faces-lfw/labels.csv"
  "emotions|./sightline eval emotions --labels ../shared/data/faces-bbt/emotions.csv"
  "person-iou|./sightline eval segment --masks ../shared/data/coco128-train/masks-semantic --images ../shared/data/coco128-train/images"
  "mask-ap|./sightline eval segment --coco ../shared/data/coco128-train/instances.json --images ../shared/data/coco128-train/images"
  "similarity|./sightline eval similar ../shared/data/flowers-5"
  "classifier|./sightline train ../shared/data/flowers-5 --out OUT/flowers.sightline --folds 5"
  "people-lfw|./sightline eval people --labels ../shared/data/faces-lfw/labels.csv ../shared/data/faces-lfw/images"
  "people-bbt|./sightline eval people --labels ../shared/data/faces-bbt/identities.csv ../shared/data/faces-bbt/images"
  "ocr-lines|./sightline eval ocr --labels ../shared/data/ocr/lines/labels.csv --layout line"
  "ocr-words|./sightline eval ocr --labels ../shared/data/ocr/words/labels.csv --layout line"
  "ocr-docs|./sightline eval ocr --labels ../shared/data/ocr-docs/labels.csv"
  "ocr-receipts|./sightline eval ocr --labels ../shared/data/ocr/receipts/annotations.jsonl"
)

# name|figure|README value|Python expression on the JSON document j (pct: percent with one decimal,
# pct2: with two, of: "a/b", f3/f4: three or four decimals)
figures=(
  "detect-centernet|detection AP, centernet (coco128)|32.7|pct(j['ap'])"
  "detect-centernet|detection AP50, centernet|53.3|pct(j['ap50'])"
  "detect-centernet|detection AP75, centernet|32.3|pct(j['ap75'])"
  "detect-nanodet|detection AP, nanodet (coco128)|20.7|pct(j['ap'])"
  "detect-nanodet|detection AP50, nanodet|30.7|pct(j['ap50'])"
  "detect-nanodet|detection AP75, nanodet|22.2|pct(j['ap75'])"
  "faces-bbt|faces-bbt crops with a face|40/40|of(j['withFace'], j['images'])"
  "faces-bbt|faces-bbt leave-one-out identification|40/40 (100 %)|of(j['identification']['correct'], j['identification']['queries']) + ' (' + pct(j['identification']['accuracy'], 0) + ' %)'"
  "faces-bbt|faces-bbt all-pairs ROC AUC|1.0000|f4(j['verification']['auc'])"
  "faces-bbt|faces-bbt accuracy at 0.6|100.00 %|pct2(j['verification']['atDefault']['accuracy']) + ' %'"
  "faces-lfw|faces-lfw photos with a face|216/216|of(j['withFace'], j['images'])"
  "faces-lfw|faces-lfw accuracy at 0.6|99.03 %|pct2(j['verification']['atDefault']['accuracy']) + ' %'"
  "faces-lfw|faces-lfw all-pairs ROC AUC|0.9993|f4(j['verification']['auc'])"
  "faces-lfw|faces-lfw leave-one-out identification|176/176|of(j['identification']['correct'], j['identification']['queries'])"
  "emotions|expressions right (faces-bbt)|7/7|of(j['correct'], j['images'])"
  "person-iou|person IoU, pixel-summed (selfie on person crops)|0.756|f3(j['person']['pixelSummedIoU'])"
  "person-iou|person IoU, mean per image|0.584|f3(j['person']['meanIoU'])"
  "person-iou|false-positive pixels on photos without people|0 %|pct(j['person']['falsePositiveRate'], 0) + ' %'"
  "mask-ap|instance mask AP (coco128)|22.1|pct(j['instances']['maskAP'])"
  "mask-ap|instance mask AP50|38.3|pct(j['instances']['maskAP50'])"
  "mask-ap|instance mask AP75|20.9|pct(j['instances']['maskAP75'])"
  "similarity|similarity leave-one-out (flowers-5)|83.0 %|pct(j['accuracy']) + ' %'"
  "classifier|classifier 5-fold accuracy (flowers-5)|90.0 %|pct(j['accuracy']) + ' %'"
  "classifier|classifier macro F1|0.899|f3(j['macroF1'])"
  "people-lfw|people BCubed F1, Sightline (faces-lfw)|0.989|f3([m for m in j['methods'] if m['name'] == 'sightline'][0]['score']['bCubedF1'])"
  "people-lfw|people seen once left alone (faces-lfw)|38/40|of([m for m in j['methods'] if m['name'] == 'sightline'][0]['score']['seenOnceApart'], [m for m in j['methods'] if m['name'] == 'sightline'][0]['score']['seenOnce'])"
  "people-lfw|people BCubed F1, DBSCAN (faces-lfw)|0.985|f3([m for m in j['methods'] if m['name'] == 'dbscan'][0]['score']['bCubedF1'])"
  "people-lfw|people BCubed F1, Immich, mean of 5 orders (faces-lfw)|0.955|f3([m for m in j['methods'] if m['name'] == 'immich'][0]['score']['bCubedF1'])"
  "people-bbt|people BCubed F1, Sightline (faces-bbt)|0.980|f3([m for m in j['methods'] if m['name'] == 'sightline'][0]['score']['bCubedF1'])"
  "people-bbt|people BCubed F1, DBSCAN (faces-bbt)|0.980|f3([m for m in j['methods'] if m['name'] == 'dbscan'][0]['score']['bCubedF1'])"
  "ocr-lines|printed lines CER, Sightline (ocr/lines)|0.87 %|pct2(j['sightline']['charErrorRate']) + ' %'"
  "ocr-lines|printed lines CER, Tesseract|0.82 %|pct2(j['tesseract']['charErrorRate']) + ' %'"
  "ocr-lines|printed lines WER, Sightline|3.83 %|pct2(j['sightline']['wordErrorRate']) + ' %'"
  "ocr-words|scene words CER, Sightline (ocr/words)|42.19 %|pct2(j['sightline']['charErrorRate']) + ' %'"
  "ocr-words|scene words CER, Tesseract|59.38 %|pct2(j['tesseract']['charErrorRate']) + ' %'"
  "ocr-docs|pages CER, Sightline (ocr-docs)|1.75 %|pct2(j['sightline']['charErrorRate']) + ' %'"
  "ocr-docs|pages CER, Tesseract|4.32 %|pct2(j['tesseract']['charErrorRate']) + ' %'"
  "ocr-docs|pages WER, Sightline|8.08 %|pct2(j['sightline']['wordErrorRate']) + ' %'"
  "ocr-receipts|receipt end-to-end word recall, Sightline (ocr/receipts)|54.9 %|pct(j['sightline']['wordRecall']) + ' %'"
  "ocr-receipts|receipt end-to-end word recall, Tesseract|7.3 %|pct(j['tesseract']['wordRecall']) + ' %'"
  "ocr-receipts|receipt detection F at IoU 0.5, Sightline|85.9 %|pct(j['sightline']['detectionF']) + ' %'"
)

names() { for s in "${sets[@]}"; do echo "${s%%|*}"; done; }

if [ "${1:-}" = "--list" ]; then
  names
  exit 0
fi
chosen=("$@")
if [ ${#chosen[@]} -eq 0 ]; then
  mapfile -t chosen < <(names)
fi
for name in "${chosen[@]}"; do
  if ! names | grep -x -- "$name" >/dev/null; then  # not -q: with pipefail an early exit of grep fails the pipe
    echo "remeasure: unknown figure set '$name'; one of: $(names | tr '\n' ' ')" >&2
    exit 2
  fi
done

mkdir -p "$out"
echo "building the CLI (Release) once..." >&2
./sightline --help >/dev/null

read_figure() { # json expression -> the value, or why not
  python3 - "$1" "$2" <<'PY'
import json, sys
def pct(x, digits=1): return f"{100 * x:.{digits}f}"
def pct2(x): return pct(x, 2)
def of(a, b): return f"{a}/{b}"
def f3(x): return f"{x:.3f}"
def f4(x): return f"{x:.4f}"
try:
    with open(sys.argv[1]) as f:
        j = json.load(f)
    print(eval(sys.argv[2]))
except Exception as e:  # the result's shape changed, or the command failed: say so in the table
    print(f"? ({type(e).__name__}: {e})")
PY
}

echo "figure | README value | measured | command"
status=0
for name in "${chosen[@]}"; do
  for s in "${sets[@]}"; do
    [ "${s%%|*}" = "$name" ] || continue
    readme_command="${s#*|}"
    command="${readme_command//..\/shared\/data/$data}"
    command="${command//OUT/$out}"
    json="$out/$name.json"
    log="$out/$name.log"
    echo "running $name: $command --json" >&2
    start=$(date +%s)
    if ! eval "$command --json" >"$json" 2>"$log"; then
      echo "remeasure: '$name' failed, see $log" >&2
      status=1
    fi
    echo "  $name took $(( $(date +%s) - start )) s" >&2
    for f in "${figures[@]}"; do
      IFS='|' read -r figure_set figure readme expression <<<"$f"
      [ "$figure_set" = "$name" ] || continue
      echo "$figure | $readme | $(read_figure "$json" "$expression") | \`${readme_command//OUT\//}\`"
    done
  done
done
exit $status
