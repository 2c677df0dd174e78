"""Text blocks of the H100 scenario for MFT mlxconfig, /proc/modules, /etc/nccl.conf, UCX 1.16 and Open MPI 4.1.5
(formats named in each parser's docstring under bringup/parsers/). See gen_platform.py.
"""

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

