#pragma once
// placeholder until the merkle helper lands
