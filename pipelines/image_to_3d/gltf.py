"""A binary glTF 2.0 (GLB) writer for one triangle mesh, written to pass the Khronos glTF validator with no errors:
unit normals, accessor min/max on positions, buffer-view targets, no degenerate triangles, 4-byte alignment.

Vertex colours go in COLOR_0 (normalised unsigned bytes); a baked texture goes in as an embedded PNG with TEXCOORD_0.
"""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import numpy as np

_FLOAT, _UBYTE, _UINT = 5126, 5121, 5125
_ARRAY_BUFFER, _ELEMENT_ARRAY_BUFFER = 34962, 34963


def unit_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """float32 (V, 3) area-weighted vertex normals of length 1 (a vertex with no area gets its neighbours' axis)."""
    v = vertices.astype(np.float64)
    tri = v[faces]
    face_n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])  # length = 2 * area
    n = np.zeros_like(v)
    for k in range(3):
        np.add.at(n, faces[:, k], face_n)
    length = np.linalg.norm(n, axis=1)
    bad = length < 1e-20
    n[bad] = (0.0, 1.0, 0.0)  # isolated or zero-area vertex: any unit vector is valid; up is the least surprising
    n[~bad] /= length[~bad, None]
    n = n.astype(np.float32)
    return n / np.linalg.norm(n, axis=1, keepdims=True)  # renormalise after the cast to float32


def drop_degenerate_faces(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Faces (M, 3) without repeated indices or zero area (as float32 positions will hold them)."""
    faces = faces[(faces[:, 0] != faces[:, 1]) & (faces[:, 1] != faces[:, 2]) & (faces[:, 0] != faces[:, 2])]
    tri = vertices.astype(np.float32)[faces]
    area2 = np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
    return faces[area2 > 0]


def write_glb(
    path: str | Path,
    vertices: np.ndarray,
    faces: np.ndarray,
    colours: np.ndarray | None = None,
    uv: np.ndarray | None = None,
    texture: np.ndarray | None = None,
    name: str = "object",
) -> Path:
    """Write one mesh as GLB (atomically). vertices (V, 3), faces (M, 3) counter-clockwise seen from outside,
    colours uint8 (V, 3|4) or None, uv float (V, 2) with texture uint8 (H, W, 3) or None."""
    from PIL import Image

    vertices = np.ascontiguousarray(vertices, np.float32)
    faces = drop_degenerate_faces(vertices, np.asarray(faces, np.int64))
    used = np.unique(faces)  # drop vertices no face uses (the validator flags unused data)
    remap = np.full(len(vertices), -1, np.int64)
    remap[used] = np.arange(len(used))
    vertices, faces = vertices[used], remap[faces].astype(np.uint32)
    normals = unit_normals(vertices, faces.astype(np.int64))
    chunks: list[bytes] = []
    views: list[dict] = []
    accessors: list[dict] = []

    def add_view(data: bytes, target: int | None) -> int:
        offset = sum(len(c) for c in chunks)
        chunks.append(data + b"\0" * (-len(data) % 4))
        view = {"buffer": 0, "byteOffset": offset, "byteLength": len(data)}
        if target:
            view["target"] = target
        views.append(view)
        return len(views) - 1

    def add_accessor(
        array: np.ndarray, kind: str, component: int, target: int, normalized: bool = False, bounds: bool = False
    ) -> int:
        acc = {
            "bufferView": add_view(array.tobytes(), target),
            "componentType": component,
            "count": int(array.shape[0]),
            "type": kind,
        }
        if normalized:
            acc["normalized"] = True
        if bounds:
            acc["min"] = [float(x) for x in array.min(axis=0)]
            acc["max"] = [float(x) for x in array.max(axis=0)]
        accessors.append(acc)
        return len(accessors) - 1

    attributes = {
        "POSITION": add_accessor(vertices, "VEC3", _FLOAT, _ARRAY_BUFFER, bounds=True),
        "NORMAL": add_accessor(normals, "VEC3", _FLOAT, _ARRAY_BUFFER),
    }
    if colours is not None:
        c = np.ascontiguousarray(np.asarray(colours, np.uint8)[used])
        if c.shape[1] == 3:
            c = np.concatenate([c, np.full((len(c), 1), 255, np.uint8)], 1)
        attributes["COLOR_0"] = add_accessor(c, "VEC4", _UBYTE, _ARRAY_BUFFER, normalized=True)
    gltf: dict = {
        "asset": {"version": "2.0", "generator": "Studio image-to-3D"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": name}],
    }
    material: dict = {
        "name": f"{name}-material",
        "pbrMetallicRoughness": {"metallicFactor": 0.0, "roughnessFactor": 0.9},
    }
    if uv is not None and texture is not None:
        attributes["TEXCOORD_0"] = add_accessor(
            np.ascontiguousarray(np.asarray(uv, np.float32)[used]), "VEC2", _FLOAT, _ARRAY_BUFFER
        )
        png = io.BytesIO()
        Image.fromarray(np.asarray(texture, np.uint8)).save(png, format="PNG")
        gltf["images"] = [{"bufferView": add_view(png.getvalue(), None), "mimeType": "image/png"}]
        gltf["samplers"] = [{"magFilter": 9729, "minFilter": 9987, "wrapS": 33071, "wrapT": 33071}]
        gltf["textures"] = [{"sampler": 0, "source": 0}]
        material["pbrMetallicRoughness"]["baseColorTexture"] = {"index": 0}
    indices = add_accessor(faces.reshape(-1, 1), "SCALAR", _UINT, _ELEMENT_ARRAY_BUFFER)
    accessors[indices]["count"] = int(faces.size)
    gltf["meshes"] = [
        {"name": name, "primitives": [{"attributes": attributes, "indices": indices, "material": 0, "mode": 4}]}
    ]
    gltf["materials"] = [material]
    gltf["accessors"], gltf["bufferViews"] = accessors, views
    binary = b"".join(chunks)
    gltf["buffers"] = [{"byteLength": len(binary)}]
    text = json.dumps(gltf, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)
    body = struct.pack("<II", len(text), 0x4E4F534A) + text + struct.pack("<II", len(binary), 0x004E4942) + binary
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp.glb")
    tmp.write_bytes(struct.pack("<III", 0x46546C67, 2, 12 + len(body)) + body)
    tmp.replace(path)
    return path


def check_glb(path: str | Path) -> list[str]:
    """The problems the glTF validator reports as errors that we can check in Python: [] when the file is clean."""
    data = Path(path).read_bytes()
    problems = []
    magic, version, length = struct.unpack_from("<III", data, 0)
    if magic != 0x46546C67 or version != 2 or length != len(data):
        return ["not a glTF 2.0 binary of the stated length"]
    jlen, _ = struct.unpack_from("<II", data, 12)
    gltf = json.loads(data[20 : 20 + jlen])
    blen, _ = struct.unpack_from("<II", data, 20 + jlen)
    binary = data[28 + jlen : 28 + jlen + blen]

    def read(acc_index: int) -> np.ndarray:
        acc = gltf["accessors"][acc_index]
        view = gltf["bufferViews"][acc["bufferView"]]
        dtype = {_FLOAT: np.float32, _UBYTE: np.uint8, _UINT: np.uint32}[acc["componentType"]]
        width = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}[acc["type"]]
        raw = binary[view["byteOffset"] : view["byteOffset"] + view["byteLength"]]
        return np.frombuffer(raw, dtype).reshape(acc["count"], width)

    for mesh in gltf["meshes"]:
        for prim in mesh["primitives"]:
            attrs = prim["attributes"]
            pos_acc = gltf["accessors"][attrs["POSITION"]]
            pos = read(attrs["POSITION"])
            if (
                "min" not in pos_acc
                or not np.allclose(pos.min(0), pos_acc["min"])
                or not np.allclose(pos.max(0), pos_acc["max"])
            ):
                problems.append("POSITION min/max missing or wrong")
            if "NORMAL" in attrs:
                lengths = np.linalg.norm(read(attrs["NORMAL"]).astype(np.float64), axis=1)
                if np.any(np.abs(lengths - 1.0) > 5e-4):
                    problems.append(f"{int(np.sum(np.abs(lengths - 1.0) > 5e-4))} non-unit normals")
            idx = read(prim["indices"]).reshape(-1, 3).astype(np.int64)
            if idx.max() >= len(pos):
                problems.append("index out of range")
            tri = pos[idx]
            area2 = np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1)
            repeated = (idx[:, 0] == idx[:, 1]) | (idx[:, 1] == idx[:, 2]) | (idx[:, 0] == idx[:, 2])
            if np.any(repeated | (area2 <= 0)):
                problems.append(f"{int(np.sum(repeated | (area2 <= 0)))} degenerate triangles")
    for view in gltf["bufferViews"]:
        if view["byteOffset"] % 4:
            problems.append("unaligned buffer view")
    return problems
