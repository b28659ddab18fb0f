"""Protobuf message classes built at run time from .proto text, with the project's pinned buf as the compiler.

`buf build -o` writes the descriptors of every file (a FileDescriptorSet) into a temp dir; the `protobuf`
runtime turns them into message classes (descriptor_pool + message_factory). No generated code is written into
the project. A `<Message>Batch { repeated <Message> events = 1; }` wrapper per event is added as a descriptor,
so a batch is one message, as a producer would send it.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts.schemas.formats import ToolMissing, _tool


class ProtoUnavailable(Exception):
    """buf is missing or cannot compile a file; the Protobuf rows are absent with this reason."""


@dataclass(frozen=True)
class Compiled:
    files: dict[str, Any]
    """FileDescriptorProto by the path it was compiled under."""
    pool: Any
    buf_version: str

    def message(self, full_name: str) -> tuple[type, type]:
        """(the message class, its batch wrapper class) for a fully qualified message name."""
        from google.protobuf import message_factory

        batch = f"{full_name}Batch"
        return (message_factory.GetMessageClass(self.pool.FindMessageTypeByName(full_name)),
                message_factory.GetMessageClass(self.pool.FindMessageTypeByName(batch)))


def compile_protos(root: Path, sources: dict[str, str], messages: list[tuple[str, str]] | None = None) -> Compiled:
    """Compile `sources` (path inside the module -> .proto text) with buf; add a batch wrapper for each top-level
    message (or for `messages`, pairs of (file path, fully qualified name))."""
    from google.protobuf import descriptor_pb2, descriptor_pool

    try:
        buf = _tool(root, "buf")
    except ToolMissing as error:
        raise ProtoUnavailable(str(error)) from None
    with tempfile.TemporaryDirectory(prefix="hybrid-bench-proto-") as tmp:
        module = Path(tmp) / "module"
        for path, text in sources.items():
            (module / path).parent.mkdir(parents=True, exist_ok=True)
            (module / path).write_text(text, encoding="utf-8")
        (module / "buf.yaml").write_text("version: v2\n", encoding="utf-8")
        image = Path(tmp) / "image.binpb"
        done = subprocess.run([buf, "build", str(module), "--exclude-source-info", "-o", str(image)],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise ProtoUnavailable(f"buf build failed: {done.stderr.strip()[:500]}")
        descriptors = descriptor_pb2.FileDescriptorSet.FromString(image.read_bytes())
        version = subprocess.run([buf, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    pool = descriptor_pool.DescriptorPool()
    files = {}
    for file_proto in descriptors.file:  # buf writes dependencies before the files that import them
        pool.Add(file_proto)
        files[file_proto.name] = file_proto
    wanted = messages if messages is not None else [
        (f.name, f"{f.package}.{m.name}" if f.package else m.name) for f in files.values() for m in f.message_type]
    for index, (path, full_name) in enumerate(wanted):
        pool.Add(_batch_file(index, path, full_name))
    return Compiled(files, pool, version)


def _batch_file(index: int, path: str, full_name: str) -> Any:
    from google.protobuf.descriptor_pb2 import DescriptorProto, FieldDescriptorProto, FileDescriptorProto

    package, _, name = full_name.rpartition(".")
    events = FieldDescriptorProto(name="events", number=1, label=FieldDescriptorProto.LABEL_REPEATED,
                                  type=FieldDescriptorProto.TYPE_MESSAGE, type_name=f".{full_name}")
    return FileDescriptorProto(name=f"hybrid-bench/batch-{index}.proto", package=package, syntax="proto3",
                               dependency=[path], message_type=[DescriptorProto(name=f"{name}Batch", field=[events])])
