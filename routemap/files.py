"""Writing what the tool makes (the map, its card, the exports, the image, coordinates written
back into places.yaml) without losing anything the user wrote: an output never takes an input's
name (or a link to it), a replaced file keeps its mode and links, every write is atomic (a
temporary file, then a rename), and a path no file can be written at is refused, with what to
do, before any work. The last stage of each command; only the CLI says what was written."""

from __future__ import annotations

from pathlib import Path

from .errors import OutputError


def write_atomic(path: Path, text: str, before_replace=None) -> None:
    """Write via a temporary file in the same folder and a rename: never a half-made file."""
    write_atomic_bytes(path, text.encode("utf-8"), before_replace)


OUTPUT_SUFFIXES = {
    "map": ((".html", ".htm"), "the map is a web page, which a browser opens by its name"),
    "geojson": ((".geojson", ".json"), "the export is GeoJSON"),
    "csv": ((".csv",), "the export is CSV"),
}
"""The names each command's output may have, and why: an output never takes the name of an
input (another places file, an article's text) or of another kind of file (`--out map.png` for
the HTML map), and a browser shows an HTML page as a page only by its name."""


def refuse_input_as_output(
    out: Path,
    places_path: Path,
    option: str = "--out",
    kind: str | None = None,
    todo: str = "name another file",
) -> None:
    """An OutputError when `out` is the places file itself, by its name or through a link:
    writing the map there would destroy the map's only source. Then, for an output `kind`
    (OUTPUT_SUFFIXES), one for a name that is not that kind's. Also, before any work, an
    OutputError for a path no file can be written at (see _output_target)."""
    import os

    _output_target(out)
    same = os.path.realpath(out) == os.path.realpath(places_path)
    if not same and out.exists() and places_path.exists():
        same = out.samefile(places_path)
    if same:
        raise OutputError(
            f"{option} {out}: that is the places file, which this would overwrite — {todo}"
        )
    if kind is not None:
        suffixes, why = OUTPUT_SUFFIXES[kind]
        if out.suffix.lower() not in suffixes:
            raise OutputError(
                f"{option} {out}: {why} — name a {suffixes[0]} file, like "
                f"{out.with_suffix(suffixes[0]).name}"
            )


NAME_MAX = 255
"""The longest file name, in bytes, that Linux, macOS and Windows folders take."""


def _cut(text: str, most: int = 80) -> str:
    """A long name as a message shows it: its start and end."""
    return text if len(text) <= most else f"{text[: most // 2]}…{text[-most // 2 :]}"


def _output_target(path: Path) -> Path:
    """The file a write to `path` should replace: through a symbolic link, the file it points
    to (the link stays a link); an OutputError for what is not a regular file or is read-only."""
    import os
    import stat

    if not path.name or path.name in (".", ".."):
        raise OutputError(f"{path}: not a file name — name the file to write, like routes.html")
    if len(os.fsencode(path.name)) > NAME_MAX:
        raise OutputError(
            f"{_cut(path.name)}: a file name of {len(os.fsencode(path.name))} bytes, longer than "
            f"the {NAME_MAX} a folder allows — name the file more briefly"
        )
    real = Path(os.path.realpath(path))
    try:
        status = real.stat()
    except FileNotFoundError:
        if not real.parent.is_dir():
            raise OutputError(
                f"{path}: the folder {real.parent} does not exist — create it, or write elsewhere"
            ) from None
        return real
    except OSError as error:  # a folder on the way that is a file, a path too long, a loop
        raise OutputError(
            f"{_cut(str(path))}: cannot be written there ({error.strerror}) — name another path"
        ) from None
    if stat.S_ISDIR(status.st_mode):
        raise OutputError(f"{path}: that is a folder — name a file in it, like {path}/routes.html")
    if not stat.S_ISREG(status.st_mode):
        raise OutputError(f"{path}: not a regular file (a device or a pipe) — name a file")
    # Read-only by its mode (or for this user): honoured even by root, who could write it.
    if not status.st_mode & 0o222 or not os.access(real, os.W_OK):
        raise OutputError(f"{path}: the file is read-only — make it writable, or write elsewhere")
    return real


def write_atomic_bytes(path: Path, data: bytes, before_replace=None) -> None:
    """write_atomic for bytes (the still image's PNG), and what write_atomic does: write a
    temporary file of a name no other writer uses in the same folder, flush it to disk, give it
    the target's mode (or a new file's, as the umask allows), then rename it over the target.
    A reader sees the old file or the new one, never half of one, and a failure leaves no
    temporary file behind and says why (OutputError). Through a symbolic link the file it points
    to is replaced and the link kept; a file with other hard links is rewritten in place (after
    the new text is safely on disk beside it, where it is kept, and named, should the rewrite
    fail part way), so every name keeps seeing it. `before_replace`
    is called at the last moment before the target is replaced (write-back checks there that no
    one has edited the file meanwhile); what it raises leaves the target as it was."""
    import os
    import tempfile

    target = _output_target(path)
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name[:120]}.", suffix=".tmp"
        )
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        try:
            status = target.stat()
            mode, links = status.st_mode & 0o7777, status.st_nlink
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode, links = 0o666 & ~umask, 1
        if before_replace is not None:
            before_replace()
        if links > 1:
            whole, temporary = Path(temporary), None  # kept if the rewrite fails part way
            _rewrite_in_place(path, target, data, whole)
            whole.unlink()
            return
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise OutputError(
            f"{path}: could not be written ({error.strerror or error}) — free some space or "
            "check the folder's permissions; nothing was changed"
        ) from None
    except BaseException:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise


def _rewrite_in_place(path: Path, target: Path, data: bytes, whole: Path) -> None:
    """Write `data` over a file with other hard links, in place, so every name keeps seeing
    it. Not atomic: a failure part way (a full disk) may leave the file part old, part new, so
    the new text, whole on disk in `whole`, is then kept and named, never removed."""
    import os

    try:
        with open(target, "r+b") as file:
            file.write(data)
            file.truncate()
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        raise OutputError(
            f"{path}: could not be rewritten in place ({error.strerror or error}), as its other "
            f"hard links need, and may now be incomplete — its new text is whole in {whole}: "
            "free some space, then copy that file over it"
        ) from None
