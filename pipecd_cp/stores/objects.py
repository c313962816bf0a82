"""File-store objects at PipeCD's paths: command outputs, analysis results, plugins' shared objects."""
from __future__ import annotations

import json

from pipecd_cp.errors import InvalidArgument
from pipecd_cp.filestore.base import FileStore
from pipecd_cp.proto.model import analysis_result_pb2
from pipecd_cp.stores.documents import from_document, to_document


def _segment(value: str, field: str) -> str:
    if not value or "/" in value or value in (".", ".."):
        raise InvalidArgument("must be a non-empty name without '/'", field=field)
    return value


class FileObjects:
    def __init__(self, fs: FileStore) -> None:
        self.fs = fs

    # command-output/{commandID}.json: raw bytes (a JSON PlanPreviewCommandResult for plan previews)
    async def put_command_output(self, command_id: str, data: bytes) -> None:
        await self.fs.put(f"command-output/{_segment(command_id, 'command_id')}.json", data)

    async def get_command_output(self, command_id: str) -> bytes:
        return await self.fs.get(f"command-output/{_segment(command_id, 'command_id')}.json")

    # latest-analysis-result/{appID}.json: JSON AnalysisResult
    async def put_analysis_result(self, app_id: str, result: analysis_result_pb2.AnalysisResult) -> None:
        path = f"latest-analysis-result/{_segment(app_id, 'application_id')}.json"
        await self.fs.put(path, json.dumps(to_document(result)).encode())

    async def get_analysis_result(self, app_id: str) -> analysis_result_pb2.AnalysisResult:
        data = await self.fs.get(f"latest-analysis-result/{_segment(app_id, 'application_id')}.json")
        return from_document(json.loads(data), analysis_result_pb2.AnalysisResult)

    # application-shared-objects/{appID}/{pluginName}/{key}.json: raw bytes
    @staticmethod
    def _shared(app_id: str, plugin: str, key: str) -> str:
        return (f"application-shared-objects/{_segment(app_id, 'application_id')}/"
                f"{_segment(plugin, 'plugin_name')}/{_segment(key, 'key')}.json")

    async def put_shared_object(self, app_id: str, plugin: str, key: str, data: bytes) -> None:
        await self.fs.put(self._shared(app_id, plugin, key), data)

    async def get_shared_object(self, app_id: str, plugin: str, key: str) -> bytes:
        return await self.fs.get(self._shared(app_id, plugin, key))
