"""Write the healthy layer 2/11/12/13 captures of the H100 scenario: ``python tests/scenarios/h100/tools/gen_platform.py``.

Layout (from captures/common/lspci.out): rail i has its ConnectX-7 at bus B_i, GPU i at B_i+1, both behind one
Broadcom PEX890xx switch (upstream port at B_i-2, downstream ports B_i-1:00.0 -> NIC and B_i-1:01.0 -> GPU).
Rails 0-3 sit on NUMA node 0, rails 4-7 on NUMA node 1. The formats are those of the tools named in
platform_blocks.py; values that differ per node (serials, UUIDs) go to captures/<node>/.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from platform_blocks import GPU, NIC, SWITCH_DOWN, SWITCH_UP  # noqa: E402

CAPTURES = Path(__file__).resolve().parent.parent / "captures"
BUSES = [0x18, 0x2A, 0x3A, 0x5D, 0x9A, 0xAB, 0xBA, 0xDB]
NODES = {"node01": 1654922001230, "node02": 1654922004410}  # first GPU serial, as in gpu-query.out
DRIVER = "535.161.08"
KERNEL = "5.15.0-105-generic"
CMDLINE = (f"BOOT_IMAGE=/vmlinuz-{KERNEL} root=UUID=6f1d2c3b-4a5e-4f60-9b7a-8c9d0e1f2a3b ro "
           "intel_iommu=on iommu=pt pci=realloc=off nvme_core.multipath=n quiet splash")


def numa(rail: int) -> int:
    return 0 if rail < 4 else 1


def write(node: str, key: str, text: str) -> None:
    path = CAPTURES / node / f"{key}.out"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def lspci_vvv() -> str:
    blocks = []
    for rail, bus in enumerate(BUSES):
        common = dict(dom="0000", numa=numa(rail), pref=f"{0x20 + rail * 0x10:x}", mem=f"{0x9d + rail * 2:x}")
        blocks.append(SWITCH_UP.format(bus=bus - 2, pri=bus - 3, sec=bus - 1, sub=bus + 1, group=40 + rail * 8,
                                       **common))
        blocks.append(SWITCH_DOWN.format(bus=bus - 1, dev=0, sec=bus, port=0, slot=100 + rail * 2,
                                         group=41 + rail * 8, **common))
        blocks.append(SWITCH_DOWN.format(bus=bus - 1, dev=1, sec=bus + 1, port=1, slot=101 + rail * 2,
                                         group=42 + rail * 8, **common))
        blocks.append(NIC.format(bus=bus, slot=100 + rail * 2, group=43 + rail * 8, serial=410200 + rail, **common))
        blocks.append(GPU.format(bus=bus + 1, slot=101 + rail * 2, group=44 + rail * 8, **common))
    return "".join(blocks)


PCIE_SYSFS = ("current_link_speed:32.0 GT/s PCIe\ncurrent_link_width:16\n"
              "max_link_speed:32.0 GT/s PCIe\nmax_link_width:16\n")


def gpu_pcie() -> str:
    return "".join(f"{i}, 00000000:{bus + 1:02X}:00.0, 5, 16, 16\n" for i, bus in enumerate(BUSES))


MLXCONFIG_ROWS = [
    ("MEMIC_BAR_SIZE", "0"), ("MEMIC_SIZE_LIMIT", "_256KB(1)"), ("HOST_CHAINING_MODE", "DISABLED(0)"),
    ("HOST_CHAINING_CACHE_DISABLE", "False(0)"), ("HOST_CHAINING_DESCRIPTORS", "Array[0..7]"),
    ("HOST_CHAINING_TOTAL_BUFFER_SIZE", "Array[0..7]"), ("INTERNAL_CPU_MODEL", "SEPARATED_HOST(0)"),
    ("FLEX_PARSER_PROFILE_ENABLE", "0"), ("PROG_PARSE_GRAPH", "False(0)"), ("FLEX_IPV4_OVER_VXLAN_PORT", "0"),
    ("ROCE_NEXT_PROTOCOL", "254"), ("ESWITCH_HAIRPIN_DESCRIPTORS", "Array[0..7]"),
    ("ESWITCH_HAIRPIN_TOT_BUFFER_SIZE", "Array[0..7]"), ("PF_BAR2_SIZE", "0"), ("PF_NUM_OF_VF_VALID", "False(0)"),
    ("NON_PREFETCHABLE_PF_BAR", "False(0)"), ("VF_VPD_ENABLE", "False(0)"), ("PF_NUM_PF_MSIX_VALID", "False(0)"),
    ("PER_PF_NUM_SF", "False(0)"), ("STRICT_VF_MSIX_NUM", "False(0)"), ("VF_NODNIC_ENABLE", "False(0)"),
    ("NUM_PF_MSIX_VALID", "True(1)"), ("NUM_OF_VFS", "0"), ("NUM_OF_PF", "1"), ("PF_BAR2_ENABLE", "False(0)"),
    ("SRIOV_EN", "False(0)"), ("PF_LOG_BAR_SIZE", "5"), ("VF_LOG_BAR_SIZE", "1"), ("NUM_PF_MSIX", "63"),
    ("NUM_VF_MSIX", "11"), ("INT_LOG_MAX_PAYLOAD_SIZE", "AUTOMATIC(0)"), ("PCIE_CREDIT_TOKEN_TIMEOUT", "0"),
    ("LAG_RESOURCE_ALLOCATION", "DEVICE_DEFAULT(0)"), ("ACCURATE_TX_SCHEDULER", "False(0)"),
    ("PARTIAL_RESET_EN", "False(0)"), ("SW_RECOVERY_ON_ERRORS", "False(0)"), ("RESET_WITH_HOST_ON_ERRORS", "False(0)"),
    ("PCI_BUS0_RESTRICT_SPEED", "PCI_GEN_1(0)"), ("PCI_BUS0_RESTRICT_ASPM", "False(0)"),
    ("PCI_BUS0_RESTRICT_WIDTH", "PCI_X1(0)"), ("PCI_BUS0_RESTRICT", "False(0)"), ("PCI_DOWNSTREAM_PORT_OWNER", "Array[0..15]"),
    ("CQE_COMPRESSION", "BALANCED(0)"), ("IP_OVER_VXLAN_EN", "False(0)"), ("MKEY_BY_NAME", "False(0)"),
    ("PCI_ATOMIC_MODE", "PCI_ATOMIC_DISABLED_EXT_ATOMIC_ENABLED(0)"), ("TUNNEL_ECN_COPY_DISABLE", "False(0)"),
    ("LRO_LOG_TIMEOUT0", "6"), ("LRO_LOG_TIMEOUT1", "7"), ("LRO_LOG_TIMEOUT2", "8"), ("LRO_LOG_TIMEOUT3", "13"),
    ("LOG_TX_PSN_WINDOW", "7"), ("LOG_MAX_OUTSTANDING_WQE", "7"), ("TUNNEL_IP_PROTO_ENTROPY_DISABLE", "False(0)"),
    ("ICM_CACHE_MODE", "DEVICE_DEFAULT(0)"), ("TX_SCHEDULER_LOCALITY_MODE", "DEVICE_DEFAULT(0)"),
    ("ZERO_TOUCH_TUNING_ENABLE", "False(0)"), ("MULTI_PCI_RESOURCE_SHARE", "DEVICE_DEFAULT(0)"),
    ("ATS_ENABLED", "False(0)"), ("DYNAMIC_VF_MSIX_TABLE", "False(0)"), ("EXP_ROM_UEFI_ARM_ENABLE", "True(1)"),
    ("EXP_ROM_UEFI_x86_ENABLE", "True(1)"), ("EXP_ROM_PXE_ENABLE", "True(1)"), ("ADVANCED_PCI_SETTINGS", "False(0)"),
    ("SAFE_MODE_THRESHOLD", "10"), ("SAFE_MODE_ENABLE", "True(1)"), ("KEEP_ETH_LINK_UP_P1", "True(1)"),
    ("KEEP_IB_LINK_UP_P1", "False(0)"), ("KEEP_LINK_UP_ON_BOOT_P1", "False(0)"), ("KEEP_LINK_UP_ON_STANDBY_P1", "False(0)"),
    ("DO_NOT_CLEAR_PORT_STATS_P1", "False(0)"), ("AUTO_POWER_SAVE_LINK_DOWN_P1", "False(0)"),
    ("NUM_OF_VL_P1", "_4_VLs(3)"), ("NUM_OF_TC_P1", "_8_TCs(0)"), ("NUM_OF_PFC_P1", "8"), ("VL15_BUFFER_SIZE_P1", "0"),
    ("DUP_MAC_ACTION_P1", "LAST_CFG(0)"), ("MPFS_MC_LOOPBACK_DISABLE_P1", "False(0)"),
    ("MPFS_UC_LOOPBACK_DISABLE_P1", "False(0)"), ("UNKNOWN_UPLINK_MAC_FLOOD_P1", "False(0)"),
    ("SRIOV_IB_ROUTING_MODE_P1", "LID(1)"), ("IB_ROUTING_MODE_P1", "LID(1)"), ("PHY_AUTO_NEG_P1", "DEVICE_DEFAULT(0)"),
    ("PHY_RATE_MASK_OVERRIDE_P1", "False(0)"), ("PHY_FEC_OVERRIDE_P1", "DEVICE_DEFAULT(0)"),
    ("PF_TOTAL_SF", "0"), ("PF_SF_BAR_SIZE", "0"), ("PF_NUM_PF_MSIX", "63"),
    ("ROCE_CONTROL", "ROCE_ENABLE(2)"), ("PCI_WR_ORDERING", "per_mkey(0)"), ("MULTI_PORT_VHCA_EN", "False(0)"),
    ("PORT_OWNER", "True(1)"), ("ALLOW_RD_COUNTERS", "True(1)"), ("RENEG_ON_CHANGE", "True(1)"),
    ("TRACER_ENABLE", "True(1)"), ("IP_VER", "IPv4(0)"), ("BOOT_UNDI_NETWORK_WAIT", "0"), ("UEFI_HII_EN", "True(1)"),
    ("BOOT_DBG_LOG", "False(0)"), ("UEFI_LOGS", "DISABLED(0)"), ("BOOT_VLAN", "1"), ("LEGACY_BOOT_PROTOCOL", "PXE(1)"),
    ("BOOT_INTERRUPT_DIS", "False(0)"), ("BOOT_LACP_DIS", "True(1)"), ("BOOT_VLAN_EN", "False(0)"),
    ("BOOT_PKEY", "0"), ("DYNAMIC_VF_MSIX_TABLE", "False(0)"), ("P2P_ORDERING_MODE", "DEVICE_DEFAULT(0)"),
    ("EXP_ROM_VIRTIO_NET_PXE_ENABLE", "False(0)"), ("ATS_ENABLED", "False(0)"),
    ("LINK_TYPE_P1", "ETH(2)"), ("ROCE_CC_PRIO_MASK_P1", "255"), ("ROCE_CC_ALGORITHM_P1", "ECN(0)"),
    ("CNP_DSCP_P1", "48"), ("CNP_802P_PRIO_P1", "6"), ("ROCE_RTT_RESP_DSCP_P1", "0"),
    ("ROCE_RTT_RESP_DSCP_MODE_P1", "DEVICE_DEFAULT(0)"), ("CLAMP_TGT_RATE_AFTER_TIME_INC_P1", "True(1)"),
    ("CLAMP_TGT_RATE_P1", "False(0)"), ("RPG_TIME_RESET_P1", "300"), ("RPG_BYTE_RESET_P1", "32767"),
    ("RPG_THRESHOLD_P1", "1"), ("RPG_MAX_RATE_P1", "0"), ("RPG_AI_RATE_P1", "5"), ("RPG_HAI_RATE_P1", "50"),
    ("RPG_GD_P1", "11"), ("RPG_MIN_DEC_FAC_P1", "50"), ("RPG_MIN_RATE_P1", "1"), ("RATE_TO_SET_ON_FIRST_CNP_P1", "0"),
    ("DCE_TCP_G_P1", "1019"), ("DCE_TCP_RTT_P1", "1"), ("RATE_REDUCE_MONITOR_PERIOD_P1", "4"),
    ("INITIAL_ALPHA_VALUE_P1", "1023"), ("MIN_TIME_BETWEEN_CNPS_P1", "4"),
]


def mlxconfig(rail: int) -> str:
    seen, rows = set(), []
    for name, value in MLXCONFIG_ROWS:  # the tool prints each parameter once
        if name not in seen:
            seen.add(name)
            rows.append(f"        {name:<44}{value:<20}\n")
    return ("\nDevice #1:\n----------\n\n"
            "Device type:        ConnectX7           \n"
            "Name:               MCX75310AAS-NEA_Ax  \n"
            "Description:        NVIDIA ConnectX-7 HHHL Adapter card; 400GbE / NDR IB (default mode); Single-port "
            "OSFP; PCIe 5.0 x16; Crypto Disabled; Secure Boot Enabled\n"
            f"Device:             0000:{BUSES[rail]:02x}:00.0        \n\n"
            "Configurations:                                      Next Boot\n" + "".join(rows))


def dmesg_boot() -> str:
    return f"""\
[    0.000000] Linux version {KERNEL} (buildd@lcy02-amd64-080) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024 (Ubuntu {KERNEL}.115-generic 5.15.148)
[    0.000000] Command line: {CMDLINE}
[    0.000000] KERNEL supported cpus:
[    0.000000]   Intel GenuineIntel
[    0.000000] x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'
[    0.000000] DMI: Supermicro SYS-821GE-TNHR/X13DEG-OAD, BIOS 2.1 02/21/2024
[    0.000000] Kernel command line: {CMDLINE}
[    0.000000] DMAR: IOMMU enabled
[    0.012531] ACPI: DMAR 0x000000006F5E1000 000288 (v01 ALASKA A M I    00000001 INTL 20091013)
[    0.012561] ACPI: Reserving DMAR table memory at [mem 0x6f5e1000-0x6f5e1287]
[    1.103245] DMAR: Host address width 52
[    1.103247] DMAR: DRHD base: 0x000000e0ffc000 flags: 0x0
[    1.103256] DMAR: dmar0: reg_base_addr e0ffc000 ver 6:0 cap 9ed008c40780466 ecap 3ee9e86f050df
[    1.103340] DMAR: DRHD base: 0x000000f07fc000 flags: 0x1
[    1.103346] DMAR: dmar1: reg_base_addr f07fc000 ver 6:0 cap 9ed008c40780466 ecap 3ee9e86f050df
[    1.103352] DMAR-IR: IOAPIC id 8 under DRHD base  0xf07fc000 IOMMU 1
[    1.103354] DMAR-IR: HPET id 0 under DRHD base 0xf07fc000
[    1.105862] DMAR-IR: Enabled IRQ remapping in x2apic mode
[    3.512108] iommu: Default domain type: Passthrough (set via kernel command line)
[    4.201773] DMAR: No ATSR found
[    4.201775] DMAR: dmar0: Using Queued invalidation
[    4.201780] DMAR: dmar1: Using Queued invalidation
[    4.214533] pci 0000:00:00.0: Adding to iommu group 0
[    4.290120] DMAR: Intel(R) Virtualization Technology for Directed I/O
[   12.902671] mlx5_core 0000:18:00.0: firmware version: 28.39.1002
[   12.902710] mlx5_core 0000:18:00.0: 504.112 Gb/s available PCIe bandwidth (32.0 GT/s PCIe x16 link)
[   13.486270] mlx5_core 0000:18:00.0: Rate limit: 127 rates are supported, range: 0Mbps to 195312Mbps
[   13.521001] mlx5_core 0000:18:00.0: E-Switch: Total vports 2, per vport: max uc(128) max mc(2048)
[   14.118230] nvidia: loading out-of-tree module taints kernel.
[   14.118243] nvidia: module license 'NVIDIA' taints kernel.
[   14.201664] nvidia-nvlink: Nvlink Core is being initialized, major device number 236
[   14.207341] NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  {DRIVER}  Release Build  (dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 22:42:30 UTC 2024
[   14.402208] nvidia-modeset: Loading NVIDIA UNIX Open Kernel Mode Setting Driver for x86_64  {DRIVER}  Release Build  (dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 22:34:46 UTC 2024
[   15.011842] nvidia_uvm: module uses symbols nvUvmInterfaceDisableAccessCntr from proprietary module nvidia, inheriting taint.
[   31.664180] mlx5_core 0000:18:00.0 enp24s0np0: Link up
"""


def smi_xml(first_serial: int) -> str:
    gpus = []
    for i, bus in enumerate(BUSES):
        gpus.append(XML_GPU.format(bus=bus + 1, serial=first_serial + i, uuid=uuid(first_serial, i), minor=i,
                                   module=[2, 4, 3, 1, 7, 5, 8, 6][i]))
    return XML_HEAD + "".join(gpus) + "</nvidia_smi_log>\n"


def uuid(first_serial: int, i: int) -> str:
    return f"GPU-5c1e{i}a7d-{str(first_serial + i)[-4:]}-4e1b-9f3a-0a1b2c3d4e{i}f"


XML_HEAD = f"""<?xml version="1.0" ?>
<!DOCTYPE nvidia_smi_log SYSTEM "nvsmi_device_v12.dtd">
<nvidia_smi_log>
	<timestamp>Fri Nov 27 02:58:41 2026</timestamp>
	<driver_version>{DRIVER}</driver_version>
	<cuda_version>12.2</cuda_version>
	<attached_gpus>8</attached_gpus>
"""

XML_GPU = """	<gpu id="00000000:{bus:02X}:00.0">
		<product_name>NVIDIA H100 80GB HBM3</product_name>
		<product_brand>NVIDIA</product_brand>
		<product_architecture>Hopper</product_architecture>
		<display_mode>Disabled</display_mode>
		<display_active>Disabled</display_active>
		<persistence_mode>Enabled</persistence_mode>
		<addressing_mode>None</addressing_mode>
		<mig_mode>
			<current_mig>Disabled</current_mig>
			<pending_mig>Disabled</pending_mig>
		</mig_mode>
		<mig_devices>
			None
		</mig_devices>
		<accounting_mode>Disabled</accounting_mode>
		<accounting_mode_buffer_size>4000</accounting_mode_buffer_size>
		<driver_model>
			<current_dm>N/A</current_dm>
			<pending_dm>N/A</pending_dm>
		</driver_model>
		<serial>{serial}</serial>
		<uuid>{uuid}</uuid>
		<minor_number>{minor}</minor_number>
		<vbios_version>96.00.99.00.01</vbios_version>
		<multigpu_board>No</multigpu_board>
		<board_id>0x{bus:x}00</board_id>
		<board_part_number>692-2G520-0200-000</board_part_number>
		<gpu_part_number>2330-885-A1</gpu_part_number>
		<gpu_fru_part_number>N/A</gpu_fru_part_number>
		<gpu_module_id>{module}</gpu_module_id>
		<inforom_version>
			<img_version>G520.0200.00.05</img_version>
			<oem_object>2.1</oem_object>
			<ecc_object>7.16</ecc_object>
			<pwr_object>N/A</pwr_object>
		</inforom_version>
		<gpu_operation_mode>
			<current_gom>N/A</current_gom>
			<pending_gom>N/A</pending_gom>
		</gpu_operation_mode>
		<gsp_firmware_version>535.161.08</gsp_firmware_version>
		<gpu_virtualization_mode>
			<virtualization_mode>None</virtualization_mode>
			<host_vgpu_mode>N/A</host_vgpu_mode>
		</gpu_virtualization_mode>
		<gpu_reset_status>
			<reset_required>No</reset_required>
			<drain_and_reset_recommended>N/A</drain_and_reset_recommended>
		</gpu_reset_status>
		<ibmnpu>
			<relaxed_ordering_mode>N/A</relaxed_ordering_mode>
		</ibmnpu>
		<pci>
			<pci_bus>{bus:02X}</pci_bus>
			<pci_device>00</pci_device>
			<pci_domain>0000</pci_domain>
			<pci_device_id>233010DE</pci_device_id>
			<pci_bus_id>00000000:{bus:02X}:00.0</pci_bus_id>
			<pci_sub_system_id>16C110DE</pci_sub_system_id>
			<pci_gpu_link_info>
				<pcie_gen>
					<max_link_gen>5</max_link_gen>
					<current_link_gen>5</current_link_gen>
					<device_current_link_gen>5</device_current_link_gen>
					<max_device_link_gen>5</max_device_link_gen>
					<max_host_link_gen>5</max_host_link_gen>
				</pcie_gen>
				<link_widths>
					<max_link_width>16x</max_link_width>
					<current_link_width>16x</current_link_width>
				</link_widths>
			</pci_gpu_link_info>
			<pci_bridge_chip>
				<bridge_chip_type>N/A</bridge_chip_type>
				<bridge_chip_fw>N/A</bridge_chip_fw>
			</pci_bridge_chip>
			<replay_counter>0</replay_counter>
			<replay_rollover_counter>0</replay_rollover_counter>
			<tx_util>544 KB/s</tx_util>
			<rx_util>707 KB/s</rx_util>
			<atomic_caps_inbound>N/A</atomic_caps_inbound>
			<atomic_caps_outbound>N/A</atomic_caps_outbound>
		</pci>
		<fan_speed>N/A</fan_speed>
		<performance_state>P0</performance_state>
		<clocks_event_reasons>
			<clocks_event_reason_gpu_idle>Active</clocks_event_reason_gpu_idle>
			<clocks_event_reason_applications_clocks_setting>Not Active</clocks_event_reason_applications_clocks_setting>
			<clocks_event_reason_sw_power_cap>Not Active</clocks_event_reason_sw_power_cap>
			<clocks_event_reason_hw_slowdown>Not Active</clocks_event_reason_hw_slowdown>
			<clocks_event_reason_hw_thermal_slowdown>Not Active</clocks_event_reason_hw_thermal_slowdown>
			<clocks_event_reason_hw_power_brake_slowdown>Not Active</clocks_event_reason_hw_power_brake_slowdown>
			<clocks_event_reason_sync_boost>Not Active</clocks_event_reason_sync_boost>
			<clocks_event_reason_sw_thermal_slowdown>Not Active</clocks_event_reason_sw_thermal_slowdown>
			<clocks_event_reason_display_clocks_setting>Not Active</clocks_event_reason_display_clocks_setting>
		</clocks_event_reasons>
		<fb_memory_usage>
			<total>81559 MiB</total>
			<reserved>328 MiB</reserved>
			<used>0 MiB</used>
			<free>81230 MiB</free>
		</fb_memory_usage>
		<bar1_memory_usage>
			<total>131072 MiB</total>
			<used>1 MiB</used>
			<free>131071 MiB</free>
		</bar1_memory_usage>
		<cc_protected_memory_usage>
			<total>0 MiB</total>
			<used>0 MiB</used>
			<free>0 MiB</free>
		</cc_protected_memory_usage>
		<compute_mode>Default</compute_mode>
		<utilization>
			<gpu_util>0 %</gpu_util>
			<memory_util>0 %</memory_util>
			<encoder_util>0 %</encoder_util>
			<decoder_util>0 %</decoder_util>
			<jpeg_util>0 %</jpeg_util>
			<ofa_util>0 %</ofa_util>
		</utilization>
		<ecc_mode>
			<current_ecc>Enabled</current_ecc>
			<pending_ecc>Enabled</pending_ecc>
		</ecc_mode>
		<ecc_errors>
			<volatile>
				<sram_correctable>0</sram_correctable>
				<sram_uncorrectable>0</sram_uncorrectable>
				<dram_correctable>0</dram_correctable>
				<dram_uncorrectable>0</dram_uncorrectable>
			</volatile>
			<aggregate>
				<sram_correctable>0</sram_correctable>
				<sram_uncorrectable>0</sram_uncorrectable>
				<dram_correctable>0</dram_correctable>
				<dram_uncorrectable>0</dram_uncorrectable>
			</aggregate>
		</ecc_errors>
		<retired_pages>
			<multiple_single_bit_retirement>
				<retired_count>N/A</retired_count>
				<retired_pagelist>N/A</retired_pagelist>
			</multiple_single_bit_retirement>
			<double_bit_retirement>
				<retired_count>N/A</retired_count>
				<retired_pagelist>N/A</retired_pagelist>
			</double_bit_retirement>
			<pending_blacklist>N/A</pending_blacklist>
			<pending_retirement>N/A</pending_retirement>
		</retired_pages>
		<remapped_rows>
			<remapped_row_corr>0</remapped_row_corr>
			<remapped_row_unc>0</remapped_row_unc>
			<remapped_row_pending>No</remapped_row_pending>
			<remapped_row_failure>No</remapped_row_failure>
			<row_remapper_histogram>
				<row_remapper_histogram_max>2560 bank(s)</row_remapper_histogram_max>
				<row_remapper_histogram_high>0 bank(s)</row_remapper_histogram_high>
				<row_remapper_histogram_partial>0 bank(s)</row_remapper_histogram_partial>
				<row_remapper_histogram_low>0 bank(s)</row_remapper_histogram_low>
				<row_remapper_histogram_none>0 bank(s)</row_remapper_histogram_none>
			</row_remapper_histogram>
		</remapped_rows>
		<temperature>
			<gpu_temp>33 C</gpu_temp>
			<gpu_temp_tlimit>54 C</gpu_temp_tlimit>
			<gpu_temp_max_threshold>92 C</gpu_temp_max_threshold>
			<gpu_temp_slow_threshold>89 C</gpu_temp_slow_threshold>
			<gpu_temp_max_gpu_threshold>87 C</gpu_temp_max_gpu_threshold>
			<gpu_target_temperature>N/A</gpu_target_temperature>
			<memory_temp>41 C</memory_temp>
			<gpu_temp_max_mem_threshold>95 C</gpu_temp_max_mem_threshold>
		</temperature>
		<supported_gpu_target_temp>
			<gpu_target_temp_min>N/A</gpu_target_temp_min>
			<gpu_target_temp_max>N/A</gpu_target_temp_max>
		</supported_gpu_target_temp>
		<gpu_power_readings>
			<power_state>P0</power_state>
			<power_draw>71.59 W</power_draw>
			<current_power_limit>700.00 W</current_power_limit>
			<requested_power_limit>700.00 W</requested_power_limit>
			<default_power_limit>700.00 W</default_power_limit>
			<min_power_limit>200.00 W</min_power_limit>
			<max_power_limit>700.00 W</max_power_limit>
		</gpu_power_readings>
		<module_power_readings>
			<power_state>P0</power_state>
			<power_draw>N/A</power_draw>
			<current_power_limit>N/A</current_power_limit>
			<requested_power_limit>N/A</requested_power_limit>
			<default_power_limit>N/A</default_power_limit>
			<min_power_limit>N/A</min_power_limit>
			<max_power_limit>N/A</max_power_limit>
		</module_power_readings>
		<clocks>
			<graphics_clock>345 MHz</graphics_clock>
			<sm_clock>345 MHz</sm_clock>
			<mem_clock>2619 MHz</mem_clock>
			<video_clock>765 MHz</video_clock>
		</clocks>
		<applications_clocks>
			<graphics_clock>1980 MHz</graphics_clock>
			<mem_clock>2619 MHz</mem_clock>
		</applications_clocks>
		<default_applications_clocks>
			<graphics_clock>1980 MHz</graphics_clock>
			<mem_clock>2619 MHz</mem_clock>
		</default_applications_clocks>
		<deferred_clocks>
			<mem_clock>N/A</mem_clock>
		</deferred_clocks>
		<max_clocks>
			<graphics_clock>1980 MHz</graphics_clock>
			<sm_clock>1980 MHz</sm_clock>
			<mem_clock>2619 MHz</mem_clock>
			<video_clock>1545 MHz</video_clock>
		</max_clocks>
		<max_customer_boost_clocks>
			<graphics_clock>1980 MHz</graphics_clock>
		</max_customer_boost_clocks>
		<clock_policy>
			<auto_boost>N/A</auto_boost>
			<auto_boost_default>N/A</auto_boost_default>
		</clock_policy>
		<voltage>
			<graphics_volt>670.000 mV</graphics_volt>
		</voltage>
		<fabric>
			<state>Completed</state>
			<status>Success</status>
		</fabric>
		<supported_clocks>
			<supported_mem_clock>
				<value>2619 MHz</value>
				<supported_graphics_clock>1980 MHz</supported_graphics_clock>
				<supported_graphics_clock>1965 MHz</supported_graphics_clock>
			</supported_mem_clock>
		</supported_clocks>
		<processes>
		</processes>
		<accounted_processes>
		</accounted_processes>
	</gpu>

"""


def nvlink(first_serial: int) -> str:
    out = []
    for i in range(8):
        out.append(f"GPU {i}: NVIDIA H100 80GB HBM3 (UUID: {uuid(first_serial, i)})\n")
        out.extend(f"\t Link {link}: 26.562 GB/s\n" for link in range(18))
    return "".join(out)


def topo() -> str:
    nics = [f"NIC{i}" for i in range(10)]
    cols = [f"GPU{i}" for i in range(8)] + nics
    node_of = {**{f"GPU{i}": numa(i) for i in range(8)}, **{f"NIC{i}": numa(i) for i in range(8)},
               "NIC8": 0, "NIC9": 0}

    def cell(a: str, b: str) -> str:
        if a == b:
            return " X "
        if a.startswith("GPU") and b.startswith("GPU"):
            return "NV18"
        pair = {a, b}
        if any(pair == {f"GPU{i}", f"NIC{i}"} for i in range(8)) or pair == {"NIC8", "NIC9"}:
            return "PIX"
        return "NODE" if node_of[a] == node_of[b] else "SYS"

    cpus = {0: "0-55,112-167", 1: "56-111,168-223"}
    lines = ["\t" + "\t".join(cols) + "\tCPU Affinity\tNUMA Affinity\tGPU NUMA ID"]
    for row in cols:
        cells = "\t".join(cell(row, col) for col in cols)
        if row.startswith("GPU"):
            lines.append(f"{row}\t{cells}\t{cpus[node_of[row]]}\t{node_of[row]}\t\tN/A")
        else:
            lines.append(f"{row}\t{cells}")
    legend = ["", "Legend:", "",
              "  X    = Self",
              "  SYS  = Connection traversing PCIe as well as the SMP interconnect between NUMA nodes (e.g., QPI/UPI)",
              "  NODE = Connection traversing PCIe as well as the interconnect between PCIe Host Bridges within a NUMA node",
              "  PHB  = Connection traversing PCIe as well as a PCIe Host Bridge (typically the CPU)",
              "  PXB  = Connection traversing multiple PCIe bridges (without traversing the PCIe Host Bridge)",
              "  PIX  = Connection traversing at most a single PCIe bridge",
              "  NV#  = Connection traversing a bonded set of # NVLinks", "", "NIC Legend:", ""]
    legend += [f"  NIC{i}: mlx5_{i}" for i in range(10)]
    return "\n".join(lines + legend) + "\n\n"


MODULES = """\
nvidia_uvm 1437696 2 - Live 0x0000000000000000 (OE)
nvidia_drm 81920 0 - Live 0x0000000000000000 (OE)
nvidia_modeset 1314816 1 nvidia_drm, Live 0x0000000000000000 (OE)
nvidia 7954432 79 nvidia_uvm,nvidia_modeset, Live 0x0000000000000000 (OE)
mlx5_ib 483328 0 - Live 0x0000000000000000 (OE)
ib_uverbs 200704 2 rdma_ucm,mlx5_ib, Live 0x0000000000000000 (OE)
ib_core 516096 8 rdma_cm,ib_ipoib,iw_cm,ib_umad,rdma_ucm,ib_uverbs,mlx5_ib,ib_cm, Live 0x0000000000000000 (OE)
mlx5_core 2473984 1 mlx5_ib, Live 0x0000000000000000 (OE)
mlxdevm 192512 1 mlx5_core, Live 0x0000000000000000 (OE)
mlxfw 36864 1 mlx5_core, Live 0x0000000000000000 (OE)
mlx_compat 69632 15 rdma_cm,ib_ipoib,mlxdevm,iw_cm,ib_umad,ib_core,rdma_ucm,ib_uverbs,mlx5_ib,ib_cm,mlx5_core, Live 0x0000000000000000 (OE)
psample 20480 1 mlx5_core, Live 0x0000000000000000
tls 114688 1 mlx5_core, Live 0x0000000000000000
pci_hyperv_intf 16384 1 mlx5_core, Live 0x0000000000000000
nvme 49152 3 - Live 0x0000000000000000
nvme_core 135168 4 nvme, Live 0x0000000000000000
"""

NCCL_CONF = """\
# /etc/nccl.conf: site defaults for every NCCL job on this node (see docs/layers.md L13)
NCCL_IB_HCA=mlx5_0,mlx5_1,mlx5_2,mlx5_3,mlx5_4,mlx5_5,mlx5_6,mlx5_7
NCCL_IB_TC=106
NCCL_SOCKET_IFNAME=enp75s0f0np0
"""

UCX_HEAD = """\
#
# Memory domain: self
#     Component: self
#             register: unlimited, cost: 0 nsec
#           remote key: 0 bytes
#
#      Transport: self
#         Device: memory
#           Type: loopback
#  System device: <unknown>
#
#      capabilities:
#            bandwidth: 0.00/ppn + 19360.00 MB/sec
#              latency: 0 nsec
#             overhead: 10 nsec
#
# Memory domain: tcp
#     Component: tcp
#             register: unlimited, cost: 0 nsec
#           remote key: 0 bytes
#
#      Transport: tcp
#         Device: enp75s0f0np0
#           Type: network
#  System device: enp75s0f0np0 (0)
#
#      capabilities:
#            bandwidth: 11659.18/ppn + 0.00 MB/sec
#              latency: 5258 nsec
#             overhead: 50000 nsec
#
# Connection manager: rdmacm
#      max_conn_priv: 54 bytes
#
# Memory domain: cma
#     Component: cma
#             register: unlimited, cost: 9 nsec
#
#      Transport: cma
#         Device: memory
#           Type: intra-node
#  System device: <unknown>
#
"""

UCX_DEVICE = """\
# Memory domain: {dev}
#     Component: ib
#             register: unlimited, cost: 180 nsec
#           remote key: 8 bytes
#           local memory handle is required for zcopy
#
#      Transport: rc_verbs
#         Device: {dev}:1
#           Type: network
#  System device: {dev} ({index})
#
#      capabilities:
#            bandwidth: 47664.54/ppn + 0.00 MB/sec
#              latency: 800 + 1.000 * N nsec
#             overhead: 75 nsec
#
#      Transport: rc_mlx5
#         Device: {dev}:1
#           Type: network
#  System device: {dev} ({index})
#
#      capabilities:
#            bandwidth: 47664.54/ppn + 0.00 MB/sec
#              latency: 800 + 1.000 * N nsec
#             overhead: 40 nsec
#
#      Transport: dc_mlx5
#         Device: {dev}:1
#           Type: network
#  System device: {dev} ({index})
#
#      Transport: ud_verbs
#         Device: {dev}:1
#           Type: network
#  System device: {dev} ({index})
#
#      Transport: ud_mlx5
#         Device: {dev}:1
#           Type: network
#  System device: {dev} ({index})
#
"""

UCX_VERSION = """\
# Library version: 1.16.0
# Library path: /usr/lib/libucs.so.0
# API headers version: 1.16.0
# Git branch '', revision 02432d3
# Configured with: --build=x86_64-linux-gnu --prefix=/usr --disable-logging --disable-debug --disable-assertions --disable-params-check --with-verbs --with-rdmacm --with-dm --with-mlx5-dv --with-cuda=/usr/local/cuda --with-gdrcopy
"""

OMPI_VERSION = "Open MPI v4.1.5\n\nhttps://www.open-mpi.org/community/help/\n"

OMPI_FIELDS = [
    ("Package", "Open MPI root@build-ompi Distribution"), ("Open MPI", "4.1.5"),
    ("Open MPI repo revision", "v4.1.5"), ("Open MPI release date", "Feb 23, 2023"), ("Open RTE", "4.1.5"),
    ("Open RTE repo revision", "v4.1.5"), ("Open RTE release date", "Feb 23, 2023"), ("OPAL", "4.1.5"),
    ("OPAL repo revision", "v4.1.5"), ("OPAL release date", "Feb 23, 2023"), ("MPI API", "3.1.0"),
    ("Ident string", "4.1.5"), ("Prefix", "/opt/openmpi"), ("Configured architecture", "x86_64-pc-linux-gnu"),
    ("Configure host", "build-ompi"), ("Configured by", "root"), ("Configured on", "Tue Apr 16 10:12:43 UTC 2024"),
    ("Configure host", "build-ompi"), ("Configure command line", "'--prefix=/opt/openmpi' '--with-ucx=/usr' "
     "'--with-cuda=/usr/local/cuda' '--with-pmix=internal' '--with-slurm' '--enable-mpi1-compatibility'"),
    ("Built by", "root"), ("Built on", "Tue Apr 16 10:31:02 UTC 2024"), ("Built host", "build-ompi"),
    ("C bindings", "yes"), ("C++ bindings", "no"), ("Fort mpif.h", "yes (all)"), ("C compiler", "gcc"),
    ("C compiler absolute", "/usr/bin/gcc"), ("C compiler family name", "GNU"), ("C compiler version", "11.4.0"),
    ("Thread support", "posix (MPI_THREAD_MULTIPLE: yes, OPAL support: yes, OMPI progress: no, ORTE progress: yes, Event lib: yes)"),
    ("Sparse Groups", "no"), ("Internal debug support", "no"), ("MPI interface warnings", "yes"),
    ("MPI parameter check", "runtime"), ("Memory profiling support", "no"), ("Memory debugging support", "no"),
    ("dl support", "yes"), ("Heterogeneous support", "no"), ("mpirun default --prefix", "no"),
    ("MPI_WTIME support", "native"), ("Symbol vis. support", "yes"), ("Host topology support", "yes"),
    ("IPv6 support", "no"), ("MPI1 compatibility", "yes"), ("MPI extensions", "affinity, cuda, pcollreq"),
    ("FT Checkpoint support", "no (checkpoint thread: no)"), ("C/R Enabled Debugging", "no"),
    ("MPI_MAX_PROCESSOR_NAME", "256"), ("MPI_MAX_ERROR_STRING", "256"), ("MPI_MAX_OBJECT_NAME", "64"),
    ("MPI_MAX_INFO_KEY", "36"), ("MPI_MAX_INFO_VAL", "256"), ("MPI_MAX_PORT_NAME", "1024"),
    ("MPI_MAX_DATAREP_STRING", "128"),
]
OMPI_MCA = [
    ("allocator", "basic"), ("allocator", "bucket"), ("backtrace", "execinfo"), ("btl", "self"), ("btl", "smcuda"),
    ("btl", "tcp"), ("btl", "vader"), ("compress", "bzip"), ("compress", "gzip"), ("crs", "none"), ("dl", "dlopen"),
    ("event", "libevent2022"), ("hwloc", "hwloc201"), ("if", "linux_ipv6"), ("if", "posix_ipv4"),
    ("installdirs", "env"), ("installdirs", "config"), ("memory", "patcher"), ("mpool", "hugepage"),
    ("patcher", "overwrite"), ("pmix", "isolated"), ("pmix", "flux"), ("pmix", "pmix3x"), ("pstat", "linux"),
    ("rcache", "grdma"), ("rcache", "gpusm"), ("rcache", "rgpusm"), ("reachable", "weighted"), ("shmem", "mmap"),
    ("shmem", "posix"), ("shmem", "sysv"), ("timer", "linux"), ("errmgr", "default_app"), ("ess", "env"),
    ("ess", "hnp"), ("ess", "pmi"), ("ess", "singleton"), ("ess", "tool"), ("ess", "slurm"), ("odls", "default"),
    ("plm", "isolated"), ("plm", "rsh"), ("plm", "slurm"), ("ras", "simulator"), ("ras", "slurm"),
    ("rmaps", "mindist"), ("rmaps", "ppr"), ("rmaps", "rank_file"), ("rmaps", "resilient"), ("rmaps", "round_robin"),
    ("rmaps", "seq"), ("routed", "binomial"), ("routed", "direct"), ("routed", "radix"), ("schizo", "flux"),
    ("schizo", "ompi"), ("schizo", "orte"), ("schizo", "slurm"), ("state", "app"), ("state", "hnp"),
    ("bml", "r2"), ("coll", "adapt"), ("coll", "basic"), ("coll", "han"), ("coll", "inter"), ("coll", "libnbc"),
    ("coll", "self"), ("coll", "sm"), ("coll", "sync"), ("coll", "tuned"), ("coll", "cuda"), ("fbtl", "posix"),
    ("fcoll", "dynamic"), ("fcoll", "individual"), ("fcoll", "vulcan"), ("fs", "ufs"), ("io", "ompio"),
    ("io", "romio321"), ("op", "avx"), ("osc", "sm"), ("osc", "pt2pt"), ("osc", "rdma"), ("osc", "ucx"),
    ("pml", "v"), ("pml", "cm"), ("pml", "ob1"), ("pml", "ucx"), ("rte", "orte"), ("sharedfp", "individual"),
    ("sharedfp", "lockedfile"), ("sharedfp", "sm"), ("topo", "basic"), ("topo", "treematch"), ("vprotocol", "pessimist"),
]


def ompi_info() -> str:
    out = [f"{key:>27}: {value}\n" for key, value in OMPI_FIELDS]
    out += [f"{'MCA ' + fw:>27}: {comp} (MCA v2.1.0, API v{'3.0.0' if fw in ('btl', 'coll') else '2.0.0'}, "
            f"Component v4.1.5)\n" for fw, comp in OMPI_MCA]
    return "".join(out)


def dcgm_json() -> str:
    deployment = ["Denylist", "NVML Library", "CUDA Main Library", "Permissions and OS Blocks", "Persistence Mode",
                  "Environment Variables", "Page Retirement/Row Remap", "Graphics Processes", "Inforom"]
    body = {"DCGM GPU Diagnostic": {"test_categories": [
        {"category": "Deployment", "tests": [{"name": name, "results": [{"status": "Pass"}]} for name in deployment]},
    ]}, "version": "3.3.5"}
    return json.dumps(body, indent="\t", separators=(",", " : ")) + "\n"


def main() -> None:
    write("common", "cmdline", CMDLINE + "\n")
    write("common", "dmesg-iommu", re.sub(r"(?m)^\[ *\d+\.\d+\] ", "", dmesg_boot()))
    write("common", "lspci-vvv", lspci_vvv())
    write("common", "gpu-pcie", gpu_pcie())
    for rail in range(8):
        write("common", f"mlxconfig@rail{rail}", mlxconfig(rail))
        write("common", f"pcie-sysfs@rail{rail}", PCIE_SYSFS)
    for node, serial in NODES.items():
        write(node, "nvidia-smi-xml", smi_xml(serial))
        write(node, "nvlink", nvlink(serial))
    write("common", "fabricmanager", "active\n")
    write("common", "dmesg-xid", dmesg_boot())
    write("common", "dcgmi-diag", dcgm_json())
    write("common", "topo", topo())
    write("common", "nvidia-version",
          f"NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  {DRIVER}  Release Build  "
          "(dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 22:42:30 UTC 2024\n"
          "GCC version:  gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04) \n")
    write("common", "modules", MODULES)
    write("common", "gdr-kernel", KERNEL + "\n")
    write("common", "gdr-nccl-settings", NCCL_CONF)  # the session sets no NCCL_* variable
    write("common", "nccl-conf", NCCL_CONF)
    write("common", "nccl-env", "")
    write("common", "nccl-version", "NCCL version 2.21.5+cuda12.4\n")
    write("common", "ucx-version", UCX_VERSION)
    write("common", "ucx-devices", UCX_HEAD + "".join(UCX_DEVICE.format(dev=f"mlx5_{i}", index=i) for i in range(10)))
    write("common", "ompi-version", OMPI_VERSION)
    write("common", "ompi-info", ompi_info())


if __name__ == "__main__":
    main()
