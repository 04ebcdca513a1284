-- 0008: the device a run trained on, beside its backend and version: the GPU adapter for webgpu
-- ("NVIDIA H200 (nvidia hopper)"), empty for the CPU backends and for runs before this migration.
ALTER TABLE runs ADD COLUMN backend_device TEXT NOT NULL DEFAULT '';
