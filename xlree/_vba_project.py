"""The add-in's ``vbaProject.bin``: MS-OVBA compression and the compound file.

:func:`vba_project` compiles VBA modules (source only: Excel compiles the code
the first time it opens the add-in) with ms-ovba writing the dir and PROJECT
records and ms_cfb the compound file. The module and dir streams are
compressed by :func:`ovba_compress` (re-exported by :mod:`xlree.addin`).

Conventions
-----------
Fixed identities (project ID, the seed of the PROJECT obfuscation) keep two
builds of the same sources byte-identical. Exported ``.cls`` text of a
document or class module gets the attributes Excel expects
(:func:`_document_source`) before it is compiled.
"""

from __future__ import annotations

import os
import random
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from xlree._validation import XlreeError

__all__ = ["ovba_compress", "vba_project"]

# Fixed identities keep the build reproducible (the project ID is arbitrary).
_PROJECT_ID = "{6B7E1D0A-3C52-4E8F-9A41-2D5C7B0E9F13}"
_WORKBOOK_GUID = uuid.UUID("00020819-0000-0000-C000-000000000046")
_WORKSHEET_GUID = uuid.UUID("00020820-0000-0000-C000-000000000046")
_WORKBOOK_BASE = f"0{{{str(_WORKBOOK_GUID).upper()}}}"
_WORKSHEET_BASE = f"0{{{str(_WORKSHEET_GUID).upper()}}}"
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"

# VB_Base and VB_Customizable of each kind of document or class module.
_DOCUMENT_ATTRIBUTES = {
    "workbook": (_WORKBOOK_BASE, True),
    "worksheet": (_WORKSHEET_BASE, True),
    "class": (_CLASS_BASE, False),
}


def _crlf(text: str) -> bytes:
    return "\r\n".join(text.replace("\r\n", "\n").split("\n")).encode("cp1252")


def _document_source(text: str, base: str, customizable: bool) -> str:
    """Module-stream text of an exported .cls: header dropped, attributes ordered."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION"):
        lines = lines[lines.index("END") + 1 :]
    attributes = [line for line in lines if line.startswith("Attribute VB_")]
    body = lines[len(attributes) :]
    wanted = {line.split("=")[0].split()[1]: line for line in attributes}
    wanted["VB_Base"] = f'Attribute VB_Base = "{base}"'
    wanted.setdefault("VB_TemplateDerived", "Attribute VB_TemplateDerived = False")
    wanted["VB_Customizable"] = f"Attribute VB_Customizable = {customizable}"
    order = [
        "VB_Name", "VB_Base", "VB_GlobalNameSpace", "VB_Creatable",
        "VB_PredeclaredId", "VB_Exposed", "VB_TemplateDerived", "VB_Customizable",
    ]  # fmt: skip
    head = [wanted.pop(key) for key in order if key in wanted]
    return "\n".join(head + list(wanted.values()) + body)


def _compress_chunk(chunk: bytes) -> bytes:
    """Compress one chunk of at most 4096 bytes into MS-OVBA tokens."""
    out = bytearray()
    seen: dict[bytes, list[int]] = {}
    position = 0
    while position < len(chunk):
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if position >= len(chunk):
                break
            # CopyToken split (MS-OVBA 2.4.1.3.19.1): ceil(log2(position)), min 4.
            bit_count = max((position - 1).bit_length(), 4)
            longest = (0xFFFF >> bit_count) + 3
            best_length, best_offset = 0, 0
            for candidate in reversed(
                seen.get(chunk[position : position + 3], [])[-64:]
            ):
                length = 0
                while (
                    length < longest
                    and position + length < len(chunk)
                    and chunk[candidate + length] == chunk[position + length]
                ):
                    length += 1
                if length > best_length:
                    best_length, best_offset = length, position - candidate
            step = best_length if best_length >= 3 else 1
            if step > 1:
                token = ((best_offset - 1) << (16 - bit_count)) | (best_length - 3)
                out += token.to_bytes(2, "little")
                out[flag_at] |= 1 << bit
            else:
                out.append(chunk[position])
            for index in range(position, position + step):
                seen.setdefault(chunk[index : index + 3], []).append(index)
            position += step
    return bytes(out)


def ovba_compress(data: bytes) -> bytes:
    """Compress ``data`` as an MS-OVBA CompressedContainer (section 2.4.1).

    ms_ovba_compression 1.0.1 produces containers that neither it nor
    oletools can read back for some inputs (xlwings' own module is one), so
    xlree compresses the streams itself. A chunk that does not shrink is
    stored raw, as the specification allows for full 4096-byte chunks.

    >>> from oletools.olevba import decompress_stream
    >>> text = b"Option Explicit " * 300
    >>> bytes(decompress_stream(bytearray(ovba_compress(text)))) == text
    True
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start : start + 4096]
        body = _compress_chunk(chunk)
        if len(body) > 4096 and len(chunk) == 4096:
            out += (0x3000 | 4095).to_bytes(2, "little") + chunk
            continue
        if len(body) > 4096:
            raise XlreeError("vba source: a final chunk did not compress; report it.")
        out += (0xB000 | (len(body) + 2 - 3)).to_bytes(2, "little") + body
    return bytes(out)


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    # ms_cfb writes its intermediate files into the current directory.
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def vba_project(modules: list[tuple[str, str, str]]) -> bytes:
    """Compile ``(name, kind, source)`` modules into a vbaProject.bin.

    ``kind`` is "module", "class", "workbook" or "worksheet"; the source of
    the last three is exported ``.cls`` text (a ``VERSION`` header is
    dropped, the attributes ordered and completed). ms-ovba writes
    the dir and PROJECT records, ms_cfb the compound file; the module and dir
    streams are compressed by :func:`ovba_compress`. The _VBA_PROJECT stream
    carries no compiled cache, so Excel compiles the source on first open.
    """
    try:
        from ms_cfb.Models.Directories.root_directory import RootDirectory
        from ms_cfb.Models.Directories.storage_directory import StorageDirectory
        from ms_cfb.Models.Directories.stream_directory import StreamDirectory
        from ms_cfb.ole_file import OleFile
        from ms_ovba.Models.Entities.doc_module import DocModule
        from ms_ovba.Models.Entities.reference import Reference
        from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
        from ms_ovba.Models.Entities.std_module import StdModule
    except ImportError as error:
        raise XlreeError(
            f"xlree addin build needs the 'addin' extra ({error.name} is not "
            'installed): run pip install "xlree[addin]" (or, in a clone, '
            'pip install ".[addin]") and build again.'
        ) from None
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.dirStream import DirStream
    from ms_ovba.Views.project import Project
    from ms_ovba.Views.project_view import ProjectView

    class ClassModule(StdModule):
        # ms-ovba 0.0.1 knows standard and document modules; a class module is
        # a document-type record (0x0022) listed as "Class=" in PROJECT.
        def pack(self, endien, cp_name):
            self.type = "Document"
            try:
                return super().pack(endien, cp_name)
            finally:
                self.type = "Class"

        def to_project_module_string(self):
            return "Class=" + self.modName.value

    project = VbaProject()
    project.project_id = _PROJECT_ID
    for libid, path, title, name in (
        ("00020430-0000-0000-C000-000000000046", r"C:\Windows\System32\stdole2.tlb",
         "OLE Automation", "stdole"),
        ("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52",
         r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
         "Microsoft Office 16.0 Object Library", "Office"),
    ):  # fmt: skip
        reference = LibidReference(uuid.UUID(libid), "2.0", "0", path, title)
        project.add_reference(Reference(ReferenceRegistered(reference), name))
    with tempfile.TemporaryDirectory(prefix="xlree-vba-") as tmp:
        folder = Path(tmp)
        storage = StorageDirectory("VBA")
        storage.set_created(project.default_date)
        storage.set_modified(project.default_date)
        for name, kind, source in modules:
            if kind in ("workbook", "worksheet"):
                module = DocModule(name)
            elif kind == "class":
                module = ClassModule(name)
                module.type = "Class"
            else:
                module = StdModule(name)
            project.add_module(module)
            if kind in _DOCUMENT_ATTRIBUTES:
                source = _document_source(source, *_DOCUMENT_ATTRIBUTES[kind])
            (folder / f"{name}.bin").write_bytes(ovba_compress(_crlf(source)))
            storage.add_directory(StreamDirectory(name, str(folder / f"{name}.bin")))
        # The CMG/DPB/GC fields of PROJECT are obfuscated with random seed
        # bytes (MS-OVBA 2.4.3); a fixed seed keeps the build reproducible.
        state = random.getstate()
        random.seed(_PROJECT_ID)
        try:
            project_text = Project(project).to_bytes()
        finally:
            random.setstate(state)
        streams = {
            "dir": ovba_compress(DirStream(project).to_bytes()),
            "_VBA_PROJECT": ProjectView(project).to_bytes(),
            "PROJECT": project_text,
        }
        for name, data in streams.items():
            (folder / f"{name}.stream").write_bytes(data)
        storage.add_directory(StreamDirectory("dir", str(folder / "dir.stream")))
        storage.add_directory(
            StreamDirectory("_VBA_PROJECT", str(folder / "_VBA_PROJECT.stream"))
        )
        root = RootDirectory()
        root.set_modified(project.default_date)
        root.add_directory(storage)
        root.add_directory(StreamDirectory("PROJECT", str(folder / "PROJECT.stream")))
        ole = OleFile()
        ole.root_directory = root
        with _working_directory(folder):
            ole.create_file(str(folder / "vbaProject.bin"))
        return (folder / "vbaProject.bin").read_bytes()
