#!/bin/bash
# /init of the VM's initramfs: load the 9p modules of this kernel, mount the
# host's root file system (read-only 9p share "root") and hand over to
# tests/vm/guest-init.sh there. Variables come from the kernel command line
# (vmrun=, vminit=).
export PATH=/bin
mkdir -p /proc /sys /dev /run
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs -o mode=0755 run /run
for m in $(cat /modules.order); do
	insmod "/modules/$m" 2>/dev/null || true
done
mkdir -p /newroot
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose root /newroot; then
	echo "vm: cannot mount the host root over 9p" >/dev/console
	echo o >/proc/sysrq-trigger
fi
# switch_root moves /proc, /sys, /dev and /run into the new root.
exec switch_root /newroot /bin/bash "$vminit"
