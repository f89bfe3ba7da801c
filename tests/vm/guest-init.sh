#!/bin/bash
# PID 1 of the test VM, run from the host's root file system (read-only 9p).
# Mounts tmpfs where tests write, bpffs, the build directory read-write (9p),
# makes this kernel's modules loadable (preloaded and on demand), runs
# $vmrun/cmd as root and writes its exit status to $vmrun/rc before powering
# off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8

# /proc, /sys, /dev and /run come mounted from the initramfs.
# The run directory and the repository may live under a directory that tmpfs
# is about to cover (a CI clone in /tmp): read the run's settings and keep a
# view of the repository first.
. "$vmrun/env"
mkdir -p /run/vm-repo
mount --bind "$VM_CWD" /run/vm-repo
mkdir -p /dev/pts /dev/shm
# devtmpfs has no /dev/fd: bash's process substitution (<(...)) needs it.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do
	[ -e "/dev/${i#*:}" ] || ln -s "/proc/self/fd/${i%%:*}" "/dev/${i#*:}"
done
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
for d in /tmp /var/tmp /var/log /var/cache /root; do
	mount -t tmpfs -o mode=0755 tmpfs "$d"
done
chmod 1777 /tmp /var/tmp
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null

if [ ! -d "$VM_CWD/tests" ]; then
	mkdir -p "$VM_CWD"
	mount --bind /run/vm-repo "$VM_CWD"
fi
mkdir -p "$VM_BUILD" 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=mmap build "$VM_BUILD" ||
	echo "vm: cannot mount the build directory" >/dev/console
# The host may have no /lib/modules to mount over (read-only root): the
# kernel's module requests go through a modprobe reading the package's tree.
printf '#!/bin/sh\nexec /sbin/modprobe -d %s "$@"\n' "$VM_KDIR" >/run/vm-modprobe
chmod +x /run/vm-modprobe
echo /run/vm-modprobe >/proc/sys/kernel/modprobe
for m in $VM_MODULES; do
	/run/vm-modprobe -q "$m" || echo "vm: module $m not loaded" >/dev/console
done
ip link set lo up
hostname lispd-vm

echo "vm: kernel $(uname -r), up in $(cut -d' ' -f1 /proc/uptime)s" >/dev/console
cd "$VM_CWD" || exit 1
bash "$vmrun/cmd" </dev/null >/dev/console 2>&1
echo $? >"$vmrun/rc.tmp" && mv "$vmrun/rc.tmp" "$vmrun/rc"
sync
echo o >/proc/sysrq-trigger
sleep 10
