#!/bin/sh
# /usr/bin/dengji: starts the client installed under /opt/dengji.
# A counter PC's IT person may keep one configuration for every clerk's account in
# /etc/dengji/dengji.toml; it is used unless DENGJI_CONFIG names another file. Without it each
# account has its own (~/.config/dengji/dengji.toml, else the standalone demo counter).
if [ -z "${DENGJI_CONFIG:-}" ] && [ -f /etc/dengji/dengji.toml ]; then
    DENGJI_CONFIG=/etc/dengji/dengji.toml
    export DENGJI_CONFIG
fi
exec /opt/dengji/dengji "$@"
