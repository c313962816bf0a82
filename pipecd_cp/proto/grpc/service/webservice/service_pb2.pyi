from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf import wrappers_pb2 as _wrappers_pb2
from pipecd_cp.proto.model import apikey_pb2 as _apikey_pb2
from pipecd_cp.proto.model import application_pb2 as _application_pb2
from pipecd_cp.proto.model import application_live_state_pb2 as _application_live_state_pb2
from pipecd_cp.proto.model import command_pb2 as _command_pb2
from pipecd_cp.proto.model import common_pb2 as _common_pb2
from pipecd_cp.proto.model import deployment_pb2 as _deployment_pb2
from pipecd_cp.proto.model import deployment_chain_pb2 as _deployment_chain_pb2
from pipecd_cp.proto.model import deployment_trace_pb2 as _deployment_trace_pb2
from pipecd_cp.proto.model import event_pb2 as _event_pb2
from pipecd_cp.proto.model import insight_pb2 as _insight_pb2
from pipecd_cp.proto.model import logblock_pb2 as _logblock_pb2
from pipecd_cp.proto.model import piped_pb2 as _piped_pb2
from pipecd_cp.proto.model import project_pb2 as _project_pb2
from pipecd_cp.proto.model import rbac_pb2 as _rbac_pb2
from pipecd_cp.proto.validate import validate_pb2 as _validate_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RegisterPipedRequest(_message.Message):
    __slots__ = ("name", "desc")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESC_FIELD_NUMBER: _ClassVar[int]
    name: str
    desc: str
    def __init__(self, name: _Optional[str] = ..., desc: _Optional[str] = ...) -> None: ...

class RegisterPipedResponse(_message.Message):
    __slots__ = ("id", "key")
    ID_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    id: str
    key: str
    def __init__(self, id: _Optional[str] = ..., key: _Optional[str] = ...) -> None: ...

class UpdatePipedRequest(_message.Message):
    __slots__ = ("piped_id", "name", "desc")
    PIPED_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESC_FIELD_NUMBER: _ClassVar[int]
    piped_id: str
    name: str
    desc: str
    def __init__(self, piped_id: _Optional[str] = ..., name: _Optional[str] = ..., desc: _Optional[str] = ...) -> None: ...

class UpdatePipedResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RecreatePipedKeyRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class RecreatePipedKeyResponse(_message.Message):
    __slots__ = ("key",)
    KEY_FIELD_NUMBER: _ClassVar[int]
    key: str
    def __init__(self, key: _Optional[str] = ...) -> None: ...

class DeleteOldPipedKeysRequest(_message.Message):
    __slots__ = ("piped_id",)
    PIPED_ID_FIELD_NUMBER: _ClassVar[int]
    piped_id: str
    def __init__(self, piped_id: _Optional[str] = ...) -> None: ...

class DeleteOldPipedKeysResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EnablePipedRequest(_message.Message):
    __slots__ = ("piped_id",)
    PIPED_ID_FIELD_NUMBER: _ClassVar[int]
    piped_id: str
    def __init__(self, piped_id: _Optional[str] = ...) -> None: ...

class EnablePipedResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DisablePipedRequest(_message.Message):
    __slots__ = ("piped_id",)
    PIPED_ID_FIELD_NUMBER: _ClassVar[int]
    piped_id: str
    def __init__(self, piped_id: _Optional[str] = ...) -> None: ...

class DisablePipedResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPipedsRequest(_message.Message):
    __slots__ = ("with_status", "options")
    class Options(_message.Message):
        __slots__ = ("enabled",)
        ENABLED_FIELD_NUMBER: _ClassVar[int]
        enabled: _wrappers_pb2.BoolValue
        def __init__(self, enabled: _Optional[_Union[_wrappers_pb2.BoolValue, _Mapping]] = ...) -> None: ...
    WITH_STATUS_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    with_status: bool
    options: ListPipedsRequest.Options
    def __init__(self, with_status: _Optional[bool] = ..., options: _Optional[_Union[ListPipedsRequest.Options, _Mapping]] = ...) -> None: ...

class ListPipedsResponse(_message.Message):
    __slots__ = ("pipeds",)
    PIPEDS_FIELD_NUMBER: _ClassVar[int]
    pipeds: _containers.RepeatedCompositeFieldContainer[_piped_pb2.Piped]
    def __init__(self, pipeds: _Optional[_Iterable[_Union[_piped_pb2.Piped, _Mapping]]] = ...) -> None: ...

class GetPipedRequest(_message.Message):
    __slots__ = ("piped_id",)
    PIPED_ID_FIELD_NUMBER: _ClassVar[int]
    piped_id: str
    def __init__(self, piped_id: _Optional[str] = ...) -> None: ...

class GetPipedResponse(_message.Message):
    __slots__ = ("piped",)
    PIPED_FIELD_NUMBER: _ClassVar[int]
    piped: _piped_pb2.Piped
    def __init__(self, piped: _Optional[_Union[_piped_pb2.Piped, _Mapping]] = ...) -> None: ...

class UpdatePipedDesiredVersionRequest(_message.Message):
    __slots__ = ("version", "piped_ids")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PIPED_IDS_FIELD_NUMBER: _ClassVar[int]
    version: str
    piped_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, version: _Optional[str] = ..., piped_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class UpdatePipedDesiredVersionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RestartPipedRequest(_message.Message):
    __slots__ = ("piped_id",)
    PIPED_ID_FIELD_NUMBER: _ClassVar[int]
    piped_id: str
    def __init__(self, piped_id: _Optional[str] = ...) -> None: ...

class RestartPipedResponse(_message.Message):
    __slots__ = ("command_id",)
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    command_id: str
    def __init__(self, command_id: _Optional[str] = ...) -> None: ...

class ListReleasedVersionsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListReleasedVersionsResponse(_message.Message):
    __slots__ = ("versions",)
    VERSIONS_FIELD_NUMBER: _ClassVar[int]
    versions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, versions: _Optional[_Iterable[str]] = ...) -> None: ...

class ListDeprecatedNotesRequest(_message.Message):
    __slots__ = ("project_id",)
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    def __init__(self, project_id: _Optional[str] = ...) -> None: ...

class ListDeprecatedNotesResponse(_message.Message):
    __slots__ = ("notes",)
    NOTES_FIELD_NUMBER: _ClassVar[int]
    notes: str
    def __init__(self, notes: _Optional[str] = ...) -> None: ...

class AddApplicationRequest(_message.Message):
    __slots__ = ("name", "piped_id", "git_path", "kind", "platform_provider", "deploy_targets_by_plugin", "description", "labels")
    class DeployTargetsByPluginEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _deployment_pb2.DeployTargets
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_deployment_pb2.DeployTargets, _Mapping]] = ...) -> None: ...
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    PIPED_ID_FIELD_NUMBER: _ClassVar[int]
    GIT_PATH_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    DEPLOY_TARGETS_BY_PLUGIN_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    name: str
    piped_id: str
    git_path: _common_pb2.ApplicationGitPath
    kind: _common_pb2.ApplicationKind
    platform_provider: str
    deploy_targets_by_plugin: _containers.MessageMap[str, _deployment_pb2.DeployTargets]
    description: str
    labels: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., piped_id: _Optional[str] = ..., git_path: _Optional[_Union[_common_pb2.ApplicationGitPath, _Mapping]] = ..., kind: _Optional[_Union[_common_pb2.ApplicationKind, str]] = ..., platform_provider: _Optional[str] = ..., deploy_targets_by_plugin: _Optional[_Mapping[str, _deployment_pb2.DeployTargets]] = ..., description: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class AddApplicationResponse(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class UpdateApplicationRequest(_message.Message):
    __slots__ = ("application_id", "name", "piped_id", "kind", "platform_provider", "deploy_targets_by_plugin", "config_filename")
    class DeployTargetsByPluginEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _deployment_pb2.DeployTargets
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_deployment_pb2.DeployTargets, _Mapping]] = ...) -> None: ...
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PIPED_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    DEPLOY_TARGETS_BY_PLUGIN_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FILENAME_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    name: str
    piped_id: str
    kind: _common_pb2.ApplicationKind
    platform_provider: str
    deploy_targets_by_plugin: _containers.MessageMap[str, _deployment_pb2.DeployTargets]
    config_filename: str
    def __init__(self, application_id: _Optional[str] = ..., name: _Optional[str] = ..., piped_id: _Optional[str] = ..., kind: _Optional[_Union[_common_pb2.ApplicationKind, str]] = ..., platform_provider: _Optional[str] = ..., deploy_targets_by_plugin: _Optional[_Mapping[str, _deployment_pb2.DeployTargets]] = ..., config_filename: _Optional[str] = ...) -> None: ...

class UpdateApplicationResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EnableApplicationRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class EnableApplicationResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DisableApplicationRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class DisableApplicationResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteApplicationRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class DeleteApplicationResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListApplicationsRequest(_message.Message):
    __slots__ = ("options",)
    class Options(_message.Message):
        __slots__ = ("enabled", "kinds", "sync_statuses", "name", "labels", "piped_id")
        class LabelsEntry(_message.Message):
            __slots__ = ("key", "value")
            KEY_FIELD_NUMBER: _ClassVar[int]
            VALUE_FIELD_NUMBER: _ClassVar[int]
            key: str
            value: str
            def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
        ENABLED_FIELD_NUMBER: _ClassVar[int]
        KINDS_FIELD_NUMBER: _ClassVar[int]
        SYNC_STATUSES_FIELD_NUMBER: _ClassVar[int]
        NAME_FIELD_NUMBER: _ClassVar[int]
        LABELS_FIELD_NUMBER: _ClassVar[int]
        PIPED_ID_FIELD_NUMBER: _ClassVar[int]
        enabled: _wrappers_pb2.BoolValue
        kinds: _containers.RepeatedScalarFieldContainer[_common_pb2.ApplicationKind]
        sync_statuses: _containers.RepeatedScalarFieldContainer[_application_pb2.ApplicationSyncStatus]
        name: str
        labels: _containers.ScalarMap[str, str]
        piped_id: str
        def __init__(self, enabled: _Optional[_Union[_wrappers_pb2.BoolValue, _Mapping]] = ..., kinds: _Optional[_Iterable[_Union[_common_pb2.ApplicationKind, str]]] = ..., sync_statuses: _Optional[_Iterable[_Union[_application_pb2.ApplicationSyncStatus, str]]] = ..., name: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., piped_id: _Optional[str] = ...) -> None: ...
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    options: ListApplicationsRequest.Options
    def __init__(self, options: _Optional[_Union[ListApplicationsRequest.Options, _Mapping]] = ...) -> None: ...

class ListApplicationsResponse(_message.Message):
    __slots__ = ("applications",)
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    applications: _containers.RepeatedCompositeFieldContainer[_application_pb2.Application]
    def __init__(self, applications: _Optional[_Iterable[_Union[_application_pb2.Application, _Mapping]]] = ...) -> None: ...

class SyncApplicationRequest(_message.Message):
    __slots__ = ("application_id", "sync_strategy")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    SYNC_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    sync_strategy: _common_pb2.SyncStrategy
    def __init__(self, application_id: _Optional[str] = ..., sync_strategy: _Optional[_Union[_common_pb2.SyncStrategy, str]] = ...) -> None: ...

class SyncApplicationResponse(_message.Message):
    __slots__ = ("command_id",)
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    command_id: str
    def __init__(self, command_id: _Optional[str] = ...) -> None: ...

class GetApplicationRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class GetApplicationResponse(_message.Message):
    __slots__ = ("application",)
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    application: _application_pb2.Application
    def __init__(self, application: _Optional[_Union[_application_pb2.Application, _Mapping]] = ...) -> None: ...

class GenerateApplicationSealedSecretRequest(_message.Message):
    __slots__ = ("piped_id", "data", "base64_encoding")
    PIPED_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    BASE64_ENCODING_FIELD_NUMBER: _ClassVar[int]
    piped_id: str
    data: str
    base64_encoding: bool
    def __init__(self, piped_id: _Optional[str] = ..., data: _Optional[str] = ..., base64_encoding: _Optional[bool] = ...) -> None: ...

class GenerateApplicationSealedSecretResponse(_message.Message):
    __slots__ = ("data",)
    DATA_FIELD_NUMBER: _ClassVar[int]
    data: str
    def __init__(self, data: _Optional[str] = ...) -> None: ...

class ListUnregisteredApplicationsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListUnregisteredApplicationsResponse(_message.Message):
    __slots__ = ("applications",)
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    applications: _containers.RepeatedCompositeFieldContainer[_common_pb2.ApplicationInfo]
    def __init__(self, applications: _Optional[_Iterable[_Union[_common_pb2.ApplicationInfo, _Mapping]]] = ...) -> None: ...

class ListDeploymentsRequest(_message.Message):
    __slots__ = ("options", "page_size", "cursor", "page_min_updated_at")
    class Options(_message.Message):
        __slots__ = ("statuses", "kinds", "application_ids", "application_name", "labels")
        class LabelsEntry(_message.Message):
            __slots__ = ("key", "value")
            KEY_FIELD_NUMBER: _ClassVar[int]
            VALUE_FIELD_NUMBER: _ClassVar[int]
            key: str
            value: str
            def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
        STATUSES_FIELD_NUMBER: _ClassVar[int]
        KINDS_FIELD_NUMBER: _ClassVar[int]
        APPLICATION_IDS_FIELD_NUMBER: _ClassVar[int]
        APPLICATION_NAME_FIELD_NUMBER: _ClassVar[int]
        LABELS_FIELD_NUMBER: _ClassVar[int]
        statuses: _containers.RepeatedScalarFieldContainer[_deployment_pb2.DeploymentStatus]
        kinds: _containers.RepeatedScalarFieldContainer[_common_pb2.ApplicationKind]
        application_ids: _containers.RepeatedScalarFieldContainer[str]
        application_name: str
        labels: _containers.ScalarMap[str, str]
        def __init__(self, statuses: _Optional[_Iterable[_Union[_deployment_pb2.DeploymentStatus, str]]] = ..., kinds: _Optional[_Iterable[_Union[_common_pb2.ApplicationKind, str]]] = ..., application_ids: _Optional[_Iterable[str]] = ..., application_name: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    PAGE_MIN_UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    options: ListDeploymentsRequest.Options
    page_size: int
    cursor: str
    page_min_updated_at: int
    def __init__(self, options: _Optional[_Union[ListDeploymentsRequest.Options, _Mapping]] = ..., page_size: _Optional[int] = ..., cursor: _Optional[str] = ..., page_min_updated_at: _Optional[int] = ...) -> None: ...

class ListDeploymentsResponse(_message.Message):
    __slots__ = ("deployments", "cursor")
    DEPLOYMENTS_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    deployments: _containers.RepeatedCompositeFieldContainer[_deployment_pb2.Deployment]
    cursor: str
    def __init__(self, deployments: _Optional[_Iterable[_Union[_deployment_pb2.Deployment, _Mapping]]] = ..., cursor: _Optional[str] = ...) -> None: ...

class GetDeploymentRequest(_message.Message):
    __slots__ = ("deployment_id",)
    DEPLOYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    deployment_id: str
    def __init__(self, deployment_id: _Optional[str] = ...) -> None: ...

class GetDeploymentResponse(_message.Message):
    __slots__ = ("deployment",)
    DEPLOYMENT_FIELD_NUMBER: _ClassVar[int]
    deployment: _deployment_pb2.Deployment
    def __init__(self, deployment: _Optional[_Union[_deployment_pb2.Deployment, _Mapping]] = ...) -> None: ...

class GetStageLogRequest(_message.Message):
    __slots__ = ("deployment_id", "stage_id", "retried_count", "offset_index")
    DEPLOYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    RETRIED_COUNT_FIELD_NUMBER: _ClassVar[int]
    OFFSET_INDEX_FIELD_NUMBER: _ClassVar[int]
    deployment_id: str
    stage_id: str
    retried_count: int
    offset_index: int
    def __init__(self, deployment_id: _Optional[str] = ..., stage_id: _Optional[str] = ..., retried_count: _Optional[int] = ..., offset_index: _Optional[int] = ...) -> None: ...

class GetStageLogResponse(_message.Message):
    __slots__ = ("blocks", "completed")
    BLOCKS_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_FIELD_NUMBER: _ClassVar[int]
    blocks: _containers.RepeatedCompositeFieldContainer[_logblock_pb2.LogBlock]
    completed: bool
    def __init__(self, blocks: _Optional[_Iterable[_Union[_logblock_pb2.LogBlock, _Mapping]]] = ..., completed: _Optional[bool] = ...) -> None: ...

class CancelDeploymentRequest(_message.Message):
    __slots__ = ("deployment_id", "force_rollback", "force_no_rollback")
    DEPLOYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    FORCE_ROLLBACK_FIELD_NUMBER: _ClassVar[int]
    FORCE_NO_ROLLBACK_FIELD_NUMBER: _ClassVar[int]
    deployment_id: str
    force_rollback: bool
    force_no_rollback: bool
    def __init__(self, deployment_id: _Optional[str] = ..., force_rollback: _Optional[bool] = ..., force_no_rollback: _Optional[bool] = ...) -> None: ...

class CancelDeploymentResponse(_message.Message):
    __slots__ = ("command_id",)
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    command_id: str
    def __init__(self, command_id: _Optional[str] = ...) -> None: ...

class SkipStageRequest(_message.Message):
    __slots__ = ("deployment_id", "stage_id")
    DEPLOYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    deployment_id: str
    stage_id: str
    def __init__(self, deployment_id: _Optional[str] = ..., stage_id: _Optional[str] = ...) -> None: ...

class SkipStageResponse(_message.Message):
    __slots__ = ("command_id",)
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    command_id: str
    def __init__(self, command_id: _Optional[str] = ...) -> None: ...

class ApproveStageRequest(_message.Message):
    __slots__ = ("deployment_id", "stage_id")
    DEPLOYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    deployment_id: str
    stage_id: str
    def __init__(self, deployment_id: _Optional[str] = ..., stage_id: _Optional[str] = ...) -> None: ...

class ApproveStageResponse(_message.Message):
    __slots__ = ("command_id",)
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    command_id: str
    def __init__(self, command_id: _Optional[str] = ...) -> None: ...

class ListDeploymentTracesRequest(_message.Message):
    __slots__ = ("options", "page_size", "cursor", "page_min_updated_at")
    class Options(_message.Message):
        __slots__ = ("commit_hash",)
        COMMIT_HASH_FIELD_NUMBER: _ClassVar[int]
        commit_hash: str
        def __init__(self, commit_hash: _Optional[str] = ...) -> None: ...
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    PAGE_MIN_UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    options: ListDeploymentTracesRequest.Options
    page_size: int
    cursor: str
    page_min_updated_at: int
    def __init__(self, options: _Optional[_Union[ListDeploymentTracesRequest.Options, _Mapping]] = ..., page_size: _Optional[int] = ..., cursor: _Optional[str] = ..., page_min_updated_at: _Optional[int] = ...) -> None: ...

class ListDeploymentTracesResponse(_message.Message):
    __slots__ = ("traces", "cursor")
    class DeploymentTraceRes(_message.Message):
        __slots__ = ("trace", "deployments")
        TRACE_FIELD_NUMBER: _ClassVar[int]
        DEPLOYMENTS_FIELD_NUMBER: _ClassVar[int]
        trace: _deployment_trace_pb2.DeploymentTrace
        deployments: _containers.RepeatedCompositeFieldContainer[_deployment_pb2.Deployment]
        def __init__(self, trace: _Optional[_Union[_deployment_trace_pb2.DeploymentTrace, _Mapping]] = ..., deployments: _Optional[_Iterable[_Union[_deployment_pb2.Deployment, _Mapping]]] = ...) -> None: ...
    TRACES_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    traces: _containers.RepeatedCompositeFieldContainer[ListDeploymentTracesResponse.DeploymentTraceRes]
    cursor: str
    def __init__(self, traces: _Optional[_Iterable[_Union[ListDeploymentTracesResponse.DeploymentTraceRes, _Mapping]]] = ..., cursor: _Optional[str] = ...) -> None: ...

class GetApplicationLiveStateRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class GetApplicationLiveStateResponse(_message.Message):
    __slots__ = ("snapshot",)
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    snapshot: _application_live_state_pb2.ApplicationLiveStateSnapshot
    def __init__(self, snapshot: _Optional[_Union[_application_live_state_pb2.ApplicationLiveStateSnapshot, _Mapping]] = ...) -> None: ...

class GetProjectRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetProjectResponse(_message.Message):
    __slots__ = ("project",)
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    project: _project_pb2.Project
    def __init__(self, project: _Optional[_Union[_project_pb2.Project, _Mapping]] = ...) -> None: ...

class UpdateProjectStaticAdminRequest(_message.Message):
    __slots__ = ("username", "password")
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    username: str
    password: str
    def __init__(self, username: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class UpdateProjectStaticAdminResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateProjectSSOConfigRequest(_message.Message):
    __slots__ = ("sso",)
    SSO_FIELD_NUMBER: _ClassVar[int]
    sso: _project_pb2.ProjectSSOConfig
    def __init__(self, sso: _Optional[_Union[_project_pb2.ProjectSSOConfig, _Mapping]] = ...) -> None: ...

class UpdateProjectSSOConfigResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateProjectRBACConfigRequest(_message.Message):
    __slots__ = ("rbac",)
    RBAC_FIELD_NUMBER: _ClassVar[int]
    rbac: _project_pb2.ProjectRBACConfig
    def __init__(self, rbac: _Optional[_Union[_project_pb2.ProjectRBACConfig, _Mapping]] = ...) -> None: ...

class UpdateProjectRBACConfigResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EnableStaticAdminRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EnableStaticAdminResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DisableStaticAdminRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DisableStaticAdminResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetMeRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetMeResponse(_message.Message):
    __slots__ = ("subject", "avatar_url", "project_id")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    AVATAR_URL_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    subject: str
    avatar_url: str
    project_id: str
    def __init__(self, subject: _Optional[str] = ..., avatar_url: _Optional[str] = ..., project_id: _Optional[str] = ...) -> None: ...

class AddProjectRBACRoleRequest(_message.Message):
    __slots__ = ("name", "policies")
    NAME_FIELD_NUMBER: _ClassVar[int]
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    name: str
    policies: _containers.RepeatedCompositeFieldContainer[_project_pb2.ProjectRBACPolicy]
    def __init__(self, name: _Optional[str] = ..., policies: _Optional[_Iterable[_Union[_project_pb2.ProjectRBACPolicy, _Mapping]]] = ...) -> None: ...

class AddProjectRBACRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateProjectRBACRoleRequest(_message.Message):
    __slots__ = ("name", "policies")
    NAME_FIELD_NUMBER: _ClassVar[int]
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    name: str
    policies: _containers.RepeatedCompositeFieldContainer[_project_pb2.ProjectRBACPolicy]
    def __init__(self, name: _Optional[str] = ..., policies: _Optional[_Iterable[_Union[_project_pb2.ProjectRBACPolicy, _Mapping]]] = ...) -> None: ...

class UpdateProjectRBACRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteProjectRBACRoleRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteProjectRBACRoleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AddProjectUserGroupRequest(_message.Message):
    __slots__ = ("sso_group", "role")
    SSO_GROUP_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    sso_group: str
    role: str
    def __init__(self, sso_group: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class AddProjectUserGroupResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteProjectUserGroupRequest(_message.Message):
    __slots__ = ("sso_group",)
    SSO_GROUP_FIELD_NUMBER: _ClassVar[int]
    sso_group: str
    def __init__(self, sso_group: _Optional[str] = ...) -> None: ...

class DeleteProjectUserGroupResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetCommandRequest(_message.Message):
    __slots__ = ("command_id",)
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    command_id: str
    def __init__(self, command_id: _Optional[str] = ...) -> None: ...

class GetCommandResponse(_message.Message):
    __slots__ = ("command",)
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    command: _command_pb2.Command
    def __init__(self, command: _Optional[_Union[_command_pb2.Command, _Mapping]] = ...) -> None: ...

class GenerateAPIKeyRequest(_message.Message):
    __slots__ = ("name", "role")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    role: _apikey_pb2.APIKey.Role
    def __init__(self, name: _Optional[str] = ..., role: _Optional[_Union[_apikey_pb2.APIKey.Role, str]] = ...) -> None: ...

class GenerateAPIKeyResponse(_message.Message):
    __slots__ = ("key",)
    KEY_FIELD_NUMBER: _ClassVar[int]
    key: str
    def __init__(self, key: _Optional[str] = ...) -> None: ...

class DisableAPIKeyRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DisableAPIKeyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAPIKeysRequest(_message.Message):
    __slots__ = ("options",)
    class Options(_message.Message):
        __slots__ = ("enabled",)
        ENABLED_FIELD_NUMBER: _ClassVar[int]
        enabled: _wrappers_pb2.BoolValue
        def __init__(self, enabled: _Optional[_Union[_wrappers_pb2.BoolValue, _Mapping]] = ...) -> None: ...
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    options: ListAPIKeysRequest.Options
    def __init__(self, options: _Optional[_Union[ListAPIKeysRequest.Options, _Mapping]] = ...) -> None: ...

class ListAPIKeysResponse(_message.Message):
    __slots__ = ("keys",)
    KEYS_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedCompositeFieldContainer[_apikey_pb2.APIKey]
    def __init__(self, keys: _Optional[_Iterable[_Union[_apikey_pb2.APIKey, _Mapping]]] = ...) -> None: ...

class GetInsightDataRequest(_message.Message):
    __slots__ = ("metrics_kind", "range_from", "range_to", "resolution", "application_id", "labels")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    METRICS_KIND_FIELD_NUMBER: _ClassVar[int]
    RANGE_FROM_FIELD_NUMBER: _ClassVar[int]
    RANGE_TO_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    metrics_kind: _insight_pb2.InsightMetricsKind
    range_from: int
    range_to: int
    resolution: _insight_pb2.InsightResolution
    application_id: str
    labels: _containers.ScalarMap[str, str]
    def __init__(self, metrics_kind: _Optional[_Union[_insight_pb2.InsightMetricsKind, str]] = ..., range_from: _Optional[int] = ..., range_to: _Optional[int] = ..., resolution: _Optional[_Union[_insight_pb2.InsightResolution, str]] = ..., application_id: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class GetInsightDataResponse(_message.Message):
    __slots__ = ("updated_at", "type", "vector", "matrix")
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VECTOR_FIELD_NUMBER: _ClassVar[int]
    MATRIX_FIELD_NUMBER: _ClassVar[int]
    updated_at: int
    type: _insight_pb2.InsightResultType
    vector: _containers.RepeatedCompositeFieldContainer[_insight_pb2.InsightSample]
    matrix: _containers.RepeatedCompositeFieldContainer[_insight_pb2.InsightSampleStream]
    def __init__(self, updated_at: _Optional[int] = ..., type: _Optional[_Union[_insight_pb2.InsightResultType, str]] = ..., vector: _Optional[_Iterable[_Union[_insight_pb2.InsightSample, _Mapping]]] = ..., matrix: _Optional[_Iterable[_Union[_insight_pb2.InsightSampleStream, _Mapping]]] = ...) -> None: ...

class GetInsightApplicationCountRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetInsightApplicationCountResponse(_message.Message):
    __slots__ = ("updated_at", "counts")
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    updated_at: int
    counts: _containers.RepeatedCompositeFieldContainer[_insight_pb2.InsightApplicationCount]
    def __init__(self, updated_at: _Optional[int] = ..., counts: _Optional[_Iterable[_Union[_insight_pb2.InsightApplicationCount, _Mapping]]] = ...) -> None: ...

class ListDeploymentChainsRequest(_message.Message):
    __slots__ = ("options", "page_size", "cursor", "page_min_updated_at")
    class Options(_message.Message):
        __slots__ = ()
        def __init__(self) -> None: ...
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    PAGE_MIN_UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    options: ListDeploymentChainsRequest.Options
    page_size: int
    cursor: str
    page_min_updated_at: int
    def __init__(self, options: _Optional[_Union[ListDeploymentChainsRequest.Options, _Mapping]] = ..., page_size: _Optional[int] = ..., cursor: _Optional[str] = ..., page_min_updated_at: _Optional[int] = ...) -> None: ...

class ListDeploymentChainsResponse(_message.Message):
    __slots__ = ("deployment_chains", "cursor")
    DEPLOYMENT_CHAINS_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    deployment_chains: _containers.RepeatedCompositeFieldContainer[_deployment_chain_pb2.DeploymentChain]
    cursor: str
    def __init__(self, deployment_chains: _Optional[_Iterable[_Union[_deployment_chain_pb2.DeploymentChain, _Mapping]]] = ..., cursor: _Optional[str] = ...) -> None: ...

class GetDeploymentChainRequest(_message.Message):
    __slots__ = ("deployment_chain_id",)
    DEPLOYMENT_CHAIN_ID_FIELD_NUMBER: _ClassVar[int]
    deployment_chain_id: str
    def __init__(self, deployment_chain_id: _Optional[str] = ...) -> None: ...

class GetDeploymentChainResponse(_message.Message):
    __slots__ = ("deployment_chain",)
    DEPLOYMENT_CHAIN_FIELD_NUMBER: _ClassVar[int]
    deployment_chain: _deployment_chain_pb2.DeploymentChain
    def __init__(self, deployment_chain: _Optional[_Union[_deployment_chain_pb2.DeploymentChain, _Mapping]] = ...) -> None: ...

class ListEventsRequest(_message.Message):
    __slots__ = ("options", "page_size", "cursor", "page_min_updated_at")
    class Options(_message.Message):
        __slots__ = ("name", "statuses", "labels")
        class LabelsEntry(_message.Message):
            __slots__ = ("key", "value")
            KEY_FIELD_NUMBER: _ClassVar[int]
            VALUE_FIELD_NUMBER: _ClassVar[int]
            key: str
            value: str
            def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
        NAME_FIELD_NUMBER: _ClassVar[int]
        STATUSES_FIELD_NUMBER: _ClassVar[int]
        LABELS_FIELD_NUMBER: _ClassVar[int]
        name: str
        statuses: _containers.RepeatedScalarFieldContainer[_event_pb2.EventStatus]
        labels: _containers.ScalarMap[str, str]
        def __init__(self, name: _Optional[str] = ..., statuses: _Optional[_Iterable[_Union[_event_pb2.EventStatus, str]]] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    PAGE_MIN_UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    options: ListEventsRequest.Options
    page_size: int
    cursor: str
    page_min_updated_at: int
    def __init__(self, options: _Optional[_Union[ListEventsRequest.Options, _Mapping]] = ..., page_size: _Optional[int] = ..., cursor: _Optional[str] = ..., page_min_updated_at: _Optional[int] = ...) -> None: ...

class ListEventsResponse(_message.Message):
    __slots__ = ("events", "cursor")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[_event_pb2.Event]
    cursor: str
    def __init__(self, events: _Optional[_Iterable[_Union[_event_pb2.Event, _Mapping]]] = ..., cursor: _Optional[str] = ...) -> None: ...
